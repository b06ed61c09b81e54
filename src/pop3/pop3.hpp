// The POP3 server's entry point: registers the "pop3" listener protocol (ports 110 with STLS and 995
// with implicit TLS) with the net layer; RFC 1939 with RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH.
#pragma once

namespace postamt::services {
class Services;
}

namespace postamt::pop3 {

// Call once at startup, before the server starts; `services` must outlive the server.
void register_protocol(services::Services& services);

}  // namespace postamt::pop3
