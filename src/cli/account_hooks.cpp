// Directory → store: create or delete the user's account (see account_hooks.hpp).
#include "cli/account_hooks.hpp"

#include "store/mail_store.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::cli {

void on_user_created(const std::filesystem::path& data_dir, std::int64_t account_id) {
  store::open_sqlite_store(data_dir)->create_account(account_id);
}

void on_user_deleted(const std::filesystem::path& data_dir, std::int64_t account_id) {
  store::open_sqlite_store(data_dir)->delete_account(account_id);
}

}  // namespace postamt::cli
