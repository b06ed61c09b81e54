// The outbound SMTP dialogue of one delivery attempt (RFC 5321 §3.3, §4.1; RFC 3207; RFC 2920;
// RFC 1870; RFC 6152; RFC 6531; RFC 3461; RFC 4954 with AUTH PLAIN of RFC 4616).
#include "smtp/client/client.hpp"

#include <openssl/evp.h>

#include "smtp/client/connection.hpp"
#include "smtp/protocol/xtext.hpp"

namespace postamt::smtp::client {
namespace {

ServerReply read_reply(Connection& c) {
  ReplyAssembler a;
  while (!a.feed(c.read_line())) {
  }
  return a.take();
}

ServerReply command(Connection& c, const std::string& line) {
  c.write(line + "\r\n");
  return read_reply(c);
}

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool non_ascii(std::string_view s) { return has_8bit(s); }

ServerReply local_reply(int code, std::string text) {
  ServerReply r;
  r.code = code;
  r.lines.push_back(std::move(text));
  return r;
}

// EHLO, falling back to HELO when EHLO is refused (RFC 5321 §3.2).
ServerReply hello(Connection& c, const Options& o, Extensions& ext, bool& esmtp) {
  auto r = command(c, "EHLO " + o.helo_name);
  if (r.positive()) {
    ext = parse_ehlo(r);
    esmtp = true;
    return r;
  }
  esmtp = false;
  ext = {};
  return command(c, "HELO " + o.helo_name);
}

}  // namespace

std::optional<TlsPolicy> parse_tls_policy(std::string_view s) {
  if (s == "none") return TlsPolicy::None;
  if (s == "may") return TlsPolicy::May;
  if (s == "encrypt") return TlsPolicy::Encrypt;
  if (s == "verify") return TlsPolicy::Verify;
  return std::nullopt;
}

const char* to_string(TlsPolicy p) {
  switch (p) {
    case TlsPolicy::None: return "none";
    case TlsPolicy::May: return "may";
    case TlsPolicy::Encrypt: return "encrypt";
    case TlsPolicy::Verify: return "verify";
  }
  return "?";
}

Attempt deliver(const std::string& address, const Options& o, const Envelope& env, std::string_view message) {
  Attempt at;
  Connection c(o.timeout, o.cancel);
  auto fail_session = [&](ServerReply r, bool permanent) {
    at.session_reply = std::move(r);
    at.permanent = permanent;
    try {
      c.write("QUIT\r\n");
    } catch (const std::exception&) {
    }
    return at;
  };
  try {
    c.connect(address, o.port);
    at.connected = true;
    auto greeting = read_reply(c);
    if (!greeting.positive()) return fail_session(greeting, greeting.permanent());
    Extensions ext;
    bool esmtp = false;
    auto h = hello(c, o, ext, esmtp);
    if (!h.positive()) return fail_session(h, h.permanent());

    bool want_tls = o.tls != TlsPolicy::None && o.tls_context;
    bool need_tls = o.tls == TlsPolicy::Encrypt || o.tls == TlsPolicy::Verify;
    if (want_tls && ext.starttls) {
      auto r = command(c, "STARTTLS");
      if (r.positive()) {
        c.start_tls(*o.tls_context, o.verify_name, o.tls == TlsPolicy::Verify ? o.verify_name : std::string());
        at.tls_version = c.tls_version();
        at.tls_cipher = c.tls_cipher();
        at.tls_verified = c.tls_verified();
        h = hello(c, o, ext, esmtp);  // RFC 3207 §4.2: everything learned before TLS is discarded
        if (!h.positive()) return fail_session(h, h.permanent());
      } else if (need_tls) {
        return fail_session(r, false);
      }
    }
    if (need_tls && !c.is_tls())
      return fail_session(local_reply(451, "4.7.5 TLS required by policy but not offered by the server"), false);

    if (o.auth) {
      bool plain = false;
      for (const auto& m : ext.auth) plain = plain || m == "PLAIN";
      if (!plain || !c.is_tls())
        return fail_session(local_reply(530, "5.7.0 AUTH PLAIN over TLS needed for the smarthost, not offered"), true);
      std::string token = std::string(1, '\0') + o.auth->first + std::string(1, '\0') + o.auth->second;
      auto r = command(c, "AUTH PLAIN " + base64(token));
      if (!r.positive()) return fail_session(r, r.permanent());
    }

    // The RFCs' rules for a peer lacking an extension.
    bool eight = has_8bit(message);
    bool needs_utf8 = env.smtputf8 || non_ascii(env.sender);
    for (const auto& r : env.recipients) needs_utf8 = needs_utf8 || non_ascii(r.address);
    if (needs_utf8 && !ext.smtputf8)  // RFC 6531 §3.4: no downgrade here
      return fail_session(local_reply(553, "5.6.7 the server does not offer SMTPUTF8, needed by this message"), true);
    if (eight && !ext.eightbitmime && !ext.smtputf8)  // RFC 6152 §3: no 8-bit data to a 7-bit server
      return fail_session(local_reply(554, "5.6.3 the server does not offer 8BITMIME, needed by this message"), true);
    if (ext.size && *ext.size > 0 && message.size() > *ext.size)
      return fail_session(local_reply(552, "5.3.4 message size exceeds the server's SIZE limit"), true);

    std::string mail = "MAIL FROM:<" + env.sender + ">";
    if (esmtp) {
      if (ext.size) mail += " SIZE=" + std::to_string(message.size());
      if (eight && ext.eightbitmime) mail += " BODY=8BITMIME";
      if (needs_utf8) mail += " SMTPUTF8";
      if (ext.dsn && !env.ret.empty()) mail += " RET=" + env.ret;
      if (ext.dsn && !env.envid.empty()) mail += " ENVID=" + protocol::xtext_encode(env.envid);
    }
    std::vector<std::string> rcpts;
    for (const auto& r : env.recipients) {
      std::string line = "RCPT TO:<" + r.address + ">";
      if (esmtp && ext.dsn && !r.notify.empty()) line += " NOTIFY=" + r.notify;
      if (esmtp && ext.dsn && !r.orcpt.empty()) {
        auto semi = r.orcpt.find(';');
        if (semi != std::string::npos)
          line += " ORCPT=" + r.orcpt.substr(0, semi) + ";" + protocol::xtext_encode(r.orcpt.substr(semi + 1));
      }
      rcpts.push_back(std::move(line));
    }

    ServerReply mail_reply;
    std::vector<ServerReply> rcpt_replies;
    ServerReply data_reply;
    if (ext.pipelining) {
      // RFC 2920 §3.1: MAIL, every RCPT and DATA in one group, then the replies in order.
      std::string batch = mail + "\r\n";
      for (const auto& l : rcpts) batch += l + "\r\n";
      batch += "DATA\r\n";
      c.write(batch);
      mail_reply = read_reply(c);
      for (std::size_t i = 0; i < rcpts.size(); ++i) rcpt_replies.push_back(read_reply(c));
      data_reply = read_reply(c);
    } else {
      mail_reply = command(c, mail);
      if (mail_reply.positive()) {
        for (const auto& l : rcpts) rcpt_replies.push_back(command(c, l));
      }
    }
    if (!mail_reply.positive()) {
      if (ext.pipelining && data_reply.code == 354) c.write(".\r\n");
      return fail_session(mail_reply, mail_reply.permanent());
    }
    bool any = false;
    for (const auto& r : rcpt_replies) any = any || r.positive();
    for (const auto& r : rcpt_replies) at.recipients.push_back(RecipientResult{r});
    if (!any) {
      // RFC 2920 §3.1: DATA accepted with no valid recipient gets an empty message ended at once.
      if (ext.pipelining && data_reply.code == 354) {
        c.write(".\r\n");
        read_reply(c);
      }
      command(c, "QUIT");
      return at;
    }
    if (!ext.pipelining) data_reply = command(c, "DATA");
    if (data_reply.code != 354) {
      for (std::size_t i = 0; i < at.recipients.size(); ++i)
        if (at.recipients[i].reply.positive()) at.recipients[i].reply = data_reply;
      try {
        command(c, "QUIT");
      } catch (const std::exception&) {
      }
      return at;
    }
    c.write(dot_stuff(message));
    auto final_reply = read_reply(c);
    for (auto& r : at.recipients)
      if (r.reply.positive()) r.reply = final_reply;
    try {
      command(c, "QUIT");
    } catch (const std::exception&) {
    }
    return at;
  } catch (const std::exception& e) {
    at.error = e.what();
    // A network failure after a recipient was accepted but before the final reply: retry them all.
    for (auto& r : at.recipients) r.reply = local_reply(451, "4.4.2 connection lost: " + at.error);
    if (!at.recipients.empty()) at.recipients.clear();
    return at;
  }
}

}  // namespace postamt::smtp::client
