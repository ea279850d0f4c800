# Fails when any file under DIR includes a Kafka, RocksDB, Beast/Asio or
# clock header, or reads a clock (scoring/ must stay pure: time is passed
# in). Run: cmake -DDIR=<dir> -P purity_check.cmake
if(NOT DIR)
  message(FATAL_ERROR "usage: cmake -DDIR=<dir> -P purity_check.cmake")
endif()
file(GLOB_RECURSE files "${DIR}/*.h" "${DIR}/*.cc")
if(NOT files)
  message(FATAL_ERROR "no sources under ${DIR}")
endif()
set(forbidden
  "#include[ \t]*[<\"](librdkafka/|rdkafka)"
  "#include[ \t]*[<\"]rocksdb/"
  "#include[ \t]*[<\"]boost/(beast|asio)"
  "#include[ \t]*<(chrono|ctime|time\\.h|sys/time\\.h|thread|fstream|iostream)>"
  "(system_clock|steady_clock|high_resolution_clock|gettimeofday|clock_gettime)"
  "[^a-zA-Z_.>:]time[ \t]*\\([ \t]*(NULL|nullptr|0)?[ \t]*\\)"
)
set(bad "")
foreach(f IN LISTS files)
  file(READ "${f}" text)
  foreach(pattern IN LISTS forbidden)
    string(REGEX MATCH "${pattern}" hit "${text}")
    if(hit)
      string(APPEND bad "\n  ${f}: ${hit}")
    endif()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "scoring purity violated:${bad}")
endif()
message(STATUS "pure: ${DIR}")
