// Durable file operations: write + fsync of file and directory (DESIGN.md "Durability").
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace postamt::fs {

// fsync(2) on a directory, so that a created/renamed entry in it is durable. Throws on error.
void fsync_directory(const std::filesystem::path& dir);

// Writes `data` to a temporary file next to `target`, fsyncs it, renames it into place and fsyncs the
// directory. `mode` is the file permission (e.g. 0600 for secrets). Throws std::system_error.
void write_file_durably(const std::filesystem::path& target, std::string_view data, unsigned mode = 0644);

// Creates `dir` (and parents) with `mode` if missing.
void create_directories(const std::filesystem::path& dir, unsigned mode = 0755);

// Reads a whole file; throws std::system_error if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace postamt::fs
