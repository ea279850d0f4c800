// Files of event records, in either of the two forms riskctl reads and
// writes: JSON lines (one proto3-JSON event per line) or length-delimited
// binary protobuf (each record a varint32 length then the bytes, as
// google/protobuf/util/delimited_message_util.h writes them). Framing only:
// what is inside a record is the codec's business.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/result.h"

namespace riskd::tools {

enum class RecordFormat { kJsonLines, kDelimitedProto };

// By extension: .jsonl/.json/.ndjson -> JSON lines, .pb/.bin/.binpb ->
// delimited protobuf; anything else is an error naming the path.
Result<RecordFormat> FormatForPath(std::string_view path);

// Buffered writer; not thread-safe. Close() reports write errors (a full
// disk); the destructor closes silently.
class RecordWriter {
 public:
  static Result<std::unique_ptr<RecordWriter>> Open(const std::string& path,
                                                    RecordFormat format);
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  // One record. JSON-lines records must not contain a newline.
  void Write(std::string_view record);
  Status Close();

 private:
  RecordWriter(std::FILE* file, RecordFormat format, std::string path);
  std::FILE* file_;
  RecordFormat format_;
  std::string path_;
  std::vector<char> buffer_;
};

// Buffered reader handing out one record at a time as a view valid until the
// next call. Blank JSON lines are skipped. Not thread-safe.
class RecordReader {
 public:
  static Result<std::unique_ptr<RecordReader>> Open(const std::string& path,
                                                    RecordFormat format);
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // The next record, or nullopt at the end. A truncated or oversized frame
  // is an error (code "malformed") naming the byte offset.
  Result<std::optional<std::string_view>> Next();
  std::uint64_t records_read() const { return records_; }

 private:
  RecordReader(std::FILE* file, RecordFormat format, std::string path);
  // Makes at least `n` unread bytes available unless the file ends first;
  // returns how many are available.
  std::size_t Fill(std::size_t n);

  std::FILE* file_;
  RecordFormat format_;
  std::string path_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first unread byte
  std::size_t end_ = 0;    // one past the last buffered byte
  std::uint64_t offset_ = 0;  // file offset of buffer_[begin_]
  std::uint64_t records_ = 0;
  bool eof_ = false;
};

}  // namespace riskd::tools
