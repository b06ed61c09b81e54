// The IMAP server's entry point: registers the "imap" listener protocol (port 143 with STARTTLS and 993
// with implicit TLS) with the net layer; RFC 9051 (IMAP4rev2) and RFC 3501 (IMAP4rev1).
#pragma once

namespace postamt::services {
class Services;
}

namespace postamt::imap {

// Call once at startup, before the server starts; `services` must outlive the server.
void register_protocol(services::Services& services);

}  // namespace postamt::imap
