// What happens in the mail store when the directory gains or loses a user: every user owns one
// account (DESIGN.md "Storage": accounts/<id>/) created with the default mailboxes.
#pragma once
#include <cstdint>
#include <filesystem>

namespace postamt::cli {

void on_user_created(const std::filesystem::path& data_dir, std::int64_t account_id);
void on_user_deleted(const std::filesystem::path& data_dir, std::int64_t account_id);

}  // namespace postamt::cli
