// authenticate(): DKIM (RFC 6376 §6), SPF (RFC 7208 §2.4), DMARC (RFC 7489 §6.6) and the
// Authentication-Results field (RFC 8601) for one received message.
#include "mailauth/authenticate.hpp"

namespace postamt::mailauth {

AuthenticationReport authenticate(std::string_view text, const AuthenticationRequest& request, Resolver& resolver) {
  AuthenticationReport report;
  std::string error;
  auto message = parse_message(text, &error);
  if (message) {
    dkim::VerifyOptions opts;
    opts.now = request.now;
    report.dkim = dkim::verify(*message, resolver, opts);
  }
  report.spf = spf::check_mail_from(request.smtp, resolver);
  std::optional<std::string> from = message ? from_domain(*message) : std::nullopt;
  if (from) {
    report.dmarc = dmarc::evaluate(*from, report.dkim, report.spf, resolver, request.dmarc_roll);
  } else {
    report.dmarc.result = dmarc::Result::PermError;  // RFC 7489 §6.6.1: no single From domain
    report.dmarc.reason = message ? "no single RFC5322.From domain" : error;
  }
  AuthResults ar;
  ar.authserv_id = request.authserv_id;
  ar.dkim = report.dkim;
  ar.spf = report.spf;
  ar.spf_mail_from = request.smtp.mail_from;
  ar.spf_helo = request.smtp.helo;
  ar.dmarc = report.dmarc;
  report.header = format_authentication_results(ar);
  return report;
}

}  // namespace postamt::mailauth
