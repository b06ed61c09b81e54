// The SMTP server's entry point: registers the listener protocols "smtp" (MX, port 25, STARTTLS),
// "submission" (RFC 6409 port 587 with STARTTLS, RFC 8314 port 465 with implicit TLS) and "lmtp"
// (RFC 2033) with the net layer.
#pragma once

namespace postamt::services {
class Services;
}

namespace postamt::smtp {

// Call once at startup, before the server starts; `services` must outlive the server.
void register_protocol(services::Services& services);

}  // namespace postamt::smtp
