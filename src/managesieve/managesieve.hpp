// The ManageSieve server's entry point: registers the "managesieve" listener protocol (port 4190 with
// STARTTLS) with the net layer; RFC 5804, scripts checked by the Sieve module and kept per account.
#pragma once

namespace postamt::services {
class Services;
}

namespace postamt::managesieve {

// Call once at startup, before the server starts; `services` must outlive the server.
void register_protocol(services::Services& services);

}  // namespace postamt::managesieve
