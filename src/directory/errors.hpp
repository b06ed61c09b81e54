// Directory errors: one line, user-facing. DataError is bad input (invalid address, unknown
// domain: EX_DATAERR 65), NoSuchUser an address that is not a user (EX_NOUSER 67).
#pragma once
#include <stdexcept>

namespace postamt::directory {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DataError : public Error {
 public:
  using Error::Error;
};

class NoSuchUser : public Error {
 public:
  using Error::Error;
};

}  // namespace postamt::directory
