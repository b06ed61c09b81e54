// The embedded MailStore backend: DATA/accounts/<id>/index.sqlite + content-addressed blob files
// DATA/accounts/<id>/blobs/<aa>/<sha256-hex>, hard-linked between accounts (DESIGN.md "Storage").
#pragma once
#include <filesystem>
#include <memory>

#include "store/mail_store.hpp"

namespace postamt::store {

std::unique_ptr<MailStore> open_sqlite_store(const std::filesystem::path& data_dir, StoreOptions options = {});

}  // namespace postamt::store
