// Schema of the directory tables in the global database (component "directory"), as numbered
// migrations for common/sqlite migrate(): append new versions, never edit a released one.
#pragma once
#include <span>

#include "common/sqlite.hpp"

namespace postamt::directory {

std::span<const sqlite::Migration> migrations();

}  // namespace postamt::directory
