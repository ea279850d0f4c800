#include "daemon/tools/record_io.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace riskd::tools {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;
// A record larger than this is corruption, not an event (the daemon rejects
// values over 1 MiB anyway).
constexpr std::size_t kMaxRecordBytes = 16 << 20;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

Error IoError(const std::string& what, const std::string& path) {
  return Error{"io_error", what + " " + path + ": " + std::strerror(errno)};
}

}  // namespace

Result<RecordFormat> FormatForPath(std::string_view path) {
  for (std::string_view ext : {".jsonl", ".json", ".ndjson"}) {
    if (EndsWith(path, ext)) return RecordFormat::kJsonLines;
  }
  for (std::string_view ext : {".pb", ".bin", ".binpb"}) {
    if (EndsWith(path, ext)) return RecordFormat::kDelimitedProto;
  }
  return Error{"invalid_argument",
               "cannot tell the format of " + std::string(path) +
                   ": use .jsonl (JSON lines) or .pb (length-delimited protobuf)"};
}

// --- RecordWriter ----------------------------------------------------------

Result<std::unique_ptr<RecordWriter>> RecordWriter::Open(const std::string& path,
                                                         RecordFormat format) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoError("cannot create", path);
  return std::unique_ptr<RecordWriter>(new RecordWriter(f, format, path));
}

RecordWriter::RecordWriter(std::FILE* file, RecordFormat format, std::string path)
    : file_(file), format_(format), path_(std::move(path)) {
  buffer_.reserve(kBufferBytes + 64);
}

RecordWriter::~RecordWriter() { (void)Close(); }

void RecordWriter::Write(std::string_view record) {
  if (format_ == RecordFormat::kDelimitedProto) {
    auto n = static_cast<std::uint32_t>(record.size());
    while (n >= 0x80) {
      buffer_.push_back(static_cast<char>((n & 0x7f) | 0x80));
      n >>= 7;
    }
    buffer_.push_back(static_cast<char>(n));
    buffer_.insert(buffer_.end(), record.begin(), record.end());
  } else {
    buffer_.insert(buffer_.end(), record.begin(), record.end());
    buffer_.push_back('\n');
  }
  if (buffer_.size() >= kBufferBytes && file_ != nullptr) {
    std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
    buffer_.clear();
  }
}

Status RecordWriter::Close() {
  if (file_ == nullptr) return OkStatus();
  const bool wrote = std::fwrite(buffer_.data(), 1, buffer_.size(), file_) ==
                     buffer_.size();
  buffer_.clear();
  const bool flushed = std::fflush(file_) == 0 && !std::ferror(file_);
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!wrote || !flushed || !closed) return IoError("cannot write", path_);
  return OkStatus();
}

// --- RecordReader ----------------------------------------------------------

Result<std::unique_ptr<RecordReader>> RecordReader::Open(const std::string& path,
                                                         RecordFormat format) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError("cannot open", path);
  return std::unique_ptr<RecordReader>(new RecordReader(f, format, path));
}

RecordReader::RecordReader(std::FILE* file, RecordFormat format, std::string path)
    : file_(file), format_(format), path_(std::move(path)), buffer_(kBufferBytes) {}

RecordReader::~RecordReader() { std::fclose(file_); }

std::size_t RecordReader::Fill(std::size_t n) {
  if (end_ - begin_ >= n || eof_) return end_ - begin_;
  // Move the unread tail to the front, grow if one record needs more room.
  std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  if (buffer_.size() < n) buffer_.resize(n);
  while (end_ < n && !eof_) {
    const std::size_t got =
        std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
    end_ += got;
    if (got == 0) eof_ = true;
  }
  return end_ - begin_;
}

Result<std::optional<std::string_view>> RecordReader::Next() {
  if (format_ == RecordFormat::kJsonLines) {
    for (;;) {
      const char* start = buffer_.data() + begin_;
      const void* nl = std::memchr(start, '\n', end_ - begin_);
      if (nl == nullptr) {
        const std::size_t have = end_ - begin_;
        if (eof_) {
          if (have == 0) return std::optional<std::string_view>();
          // A last line without its newline still counts.
          std::string_view line(buffer_.data() + begin_, have);
          offset_ += have;
          begin_ = end_;
          ++records_;
          return std::optional<std::string_view>(line);
        }
        if (have >= kMaxRecordBytes) {
          return Error{"malformed", path_ + ": a line longer than 16 MiB at byte " +
                                        std::to_string(offset_)};
        }
        Fill(std::max(have + 1, buffer_.size()));
        continue;
      }
      const std::size_t len = static_cast<const char*>(nl) - start;
      std::string_view line(start, len);
      begin_ += len + 1;
      offset_ += len + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      ++records_;
      return std::optional<std::string_view>(line);
    }
  }
  // Delimited: varint32 length, then the bytes.
  const std::size_t have = Fill(5);
  if (have == 0) return std::optional<std::string_view>();
  std::uint32_t len = 0;
  std::size_t i = 0;
  for (; i < 5 && i < have; ++i) {
    const auto byte = static_cast<unsigned char>(buffer_[begin_ + i]);
    len |= static_cast<std::uint32_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) break;
  }
  if (i == 5 || i == have || len > kMaxRecordBytes) {
    return Error{"malformed", path_ + ": bad record length at byte " +
                                  std::to_string(offset_)};
  }
  const std::size_t header = i + 1;
  if (Fill(header + len) < header + len) {
    return Error{"malformed", path_ + ": truncated record at byte " +
                                  std::to_string(offset_)};
  }
  std::string_view record(buffer_.data() + begin_ + header, len);
  begin_ += header + len;
  offset_ += header + len;
  ++records_;
  return std::optional<std::string_view>(record);
}

}  // namespace riskd::tools
