// The outbound SMTP dialogue of one delivery attempt (RFC 5321 §3.3, §4.1; RFC 3207; RFC 2920;
// RFC 1870; RFC 6152; RFC 6531; RFC 3461; RFC 4954 with AUTH PLAIN of RFC 4616).
#include "smtp/client/client.hpp"

#include <openssl/evp.h>

#include <algorithm>

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

Session::Session(Options options) : options_(std::move(options)), ext_(std::make_unique<Extensions>()) {}

Session::~Session() { close(); }

bool Session::open(const std::string& address, Attempt& at) {
  const Options& o = options_;
  connection_ = std::make_unique<Connection>(o.timeout, o.cancel);
  Connection& c = *connection_;
  usable_ = false;
  auto fail = [&](ServerReply r, bool permanent) {
    at.session_reply = std::move(r);
    at.permanent = permanent;
    usable_ = true;  // so that close() says QUIT (RFC 5321 §4.1.1.10), then forget the connection
    close();
    return false;
  };
  try {
    c.connect(address, o.port);
    at.connected = true;
    auto greeting = read_reply(c);
    if (!greeting.positive()) return fail(greeting, greeting.permanent());
    auto h = hello(c, o, *ext_, esmtp_);
    if (!h.positive()) return fail(h, h.permanent());

    bool want_tls = o.tls != TlsPolicy::None && o.tls_context;
    bool need_tls = o.tls == TlsPolicy::Encrypt || o.tls == TlsPolicy::Verify;
    if (want_tls && ext_->starttls) {
      auto r = command(c, "STARTTLS");
      if (r.positive()) {
        c.start_tls(*o.tls_context, o.verify_name, o.tls == TlsPolicy::Verify ? o.verify_name : std::string());
        tls_version_ = c.tls_version();
        tls_cipher_ = c.tls_cipher();
        tls_verified_ = c.tls_verified();
        at.tls_version = tls_version_;
        at.tls_cipher = tls_cipher_;
        at.tls_verified = tls_verified_;
        h = hello(c, o, *ext_, esmtp_);  // RFC 3207 §4.2: everything learned before TLS is discarded
        if (!h.positive()) return fail(h, h.permanent());
      } else if (need_tls) {
        return fail(r, false);
      }
    }
    if (need_tls && !c.is_tls())
      return fail(local_reply(451, "4.7.5 TLS required by policy but not offered by the server"), false);

    if (o.auth) {
      bool plain = false;
      for (const auto& m : ext_->auth) plain = plain || m == "PLAIN";
      if (!plain || !c.is_tls())
        return fail(local_reply(530, "5.7.0 AUTH PLAIN over TLS needed for the smarthost, not offered"), true);
      std::string token = std::string(1, '\0') + o.auth->first + std::string(1, '\0') + o.auth->second;
      auto r = command(c, "AUTH PLAIN " + base64(token));
      if (!r.positive()) return fail(r, r.permanent());
    }
    usable_ = true;
    return true;
  } catch (const std::exception& e) {
    at.error = e.what();
    connection_.reset();
    return false;
  }
}

void Session::send(const Envelope& env, std::string_view message, Attempt& at) {
  at.connected = true;
  at.tls_version = tls_version_;
  at.tls_cipher = tls_cipher_;
  at.tls_verified = tls_verified_;
  if (!usable_ || !connection_) {
    at.error = "connection not usable";
    return;
  }
  Connection& c = *connection_;
  const Extensions& ext = *ext_;
  at.dsn = ext.dsn && esmtp_;
  auto refuse = [&](ServerReply r, bool permanent) {  // refused before MAIL: the connection stays usable
    at.session_reply = std::move(r);
    at.permanent = permanent;
  };
  usable_ = false;  // until this transaction ends cleanly
  try {
    // The RFCs' rules for a peer lacking an extension.
    bool eight = has_8bit(message);
    // SMTPUTF8 is needed for a non-ASCII envelope, or for UTF-8 in the header of a message that was
    // received with SMTPUTF8 (RFC 6531 §3.4); an all-ASCII one goes to any server (as Postfix does).
    auto header_end = message.find("\r\n\r\n");
    bool needs_utf8 = non_ascii(env.sender) ||
                      (env.smtputf8 && non_ascii(message.substr(0, header_end == std::string_view::npos ? message.size() : header_end)));
    for (const auto& r : env.recipients) needs_utf8 = needs_utf8 || non_ascii(r.address);
    if (needs_utf8 && !ext.smtputf8) {  // RFC 6531 §3.4: no downgrade here
      usable_ = true;
      return refuse(local_reply(553, "5.6.7 the server does not offer SMTPUTF8, needed by this message"), true);
    }
    if (eight && !ext.eightbitmime && !ext.smtputf8) {  // RFC 6152 §3: no 8-bit data to a 7-bit server
      usable_ = true;
      return refuse(local_reply(554, "5.6.3 the server does not offer 8BITMIME, needed by this message"), true);
    }
    if (ext.size && *ext.size > 0 && message.size() > *ext.size) {
      usable_ = true;
      return refuse(local_reply(552, "5.3.4 message size exceeds the server's SIZE limit"), true);
    }

    std::string mail = "MAIL FROM:<" + env.sender + ">";
    if (esmtp_) {
      if (ext.size) mail += " SIZE=" + std::to_string(message.size());
      if (eight && ext.eightbitmime) mail += " BODY=8BITMIME";
      if ((needs_utf8 || env.smtputf8) && ext.smtputf8) mail += " SMTPUTF8";
      if (ext.dsn && !env.ret.empty()) mail += " RET=" + env.ret;
      if (ext.dsn && !env.envid.empty()) mail += " ENVID=" + protocol::xtext_encode(env.envid);
    }
    std::vector<std::string> rcpts;
    for (const auto& r : env.recipients) {
      std::string line = "RCPT TO:<" + r.address + ">";
      if (esmtp_ && ext.dsn && !r.notify.empty()) line += " NOTIFY=" + r.notify;
      if (esmtp_ && ext.dsn && !r.orcpt.empty()) {
        auto semi = r.orcpt.find(';');
        if (semi != std::string::npos)
          line += " ORCPT=" + r.orcpt.substr(0, semi) + ";" + protocol::xtext_encode(r.orcpt.substr(semi + 1));
      }
      rcpts.push_back(std::move(line));
    }

    ++transactions_;
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
    bool any = false;
    for (const auto& r : rcpt_replies) any = any || r.positive();
    if (!mail_reply.positive() || !any) {
      // RFC 2920 §3.1: a DATA accepted without valid recipients gets an empty message ended at once.
      if (ext.pipelining && data_reply.code == 354) {
        c.write(".\r\n");
        read_reply(c);
      }
      usable_ = command(c, "RSET").positive();
      if (!mail_reply.positive()) return refuse(mail_reply, mail_reply.permanent());
      for (const auto& r : rcpt_replies) at.recipients.push_back(RecipientResult{r});
      return;
    }
    for (const auto& r : rcpt_replies) at.recipients.push_back(RecipientResult{r});
    if (!ext.pipelining) data_reply = command(c, "DATA");
    if (data_reply.code != 354) {
      for (auto& r : at.recipients)
        if (r.reply.positive()) r.reply = data_reply;
      usable_ = command(c, "RSET").positive();
      return;
    }
    c.write(dot_stuff(message));
    // RFC 5321 §4.5.3.2.6: wait at least 10 minutes for the reply to the end of data.
    c.set_timeout(std::max<std::chrono::milliseconds>(options_.timeout, std::chrono::minutes(10)));
    auto final_reply = read_reply(c);
    c.set_timeout(options_.timeout);
    for (auto& r : at.recipients)
      if (r.reply.positive()) r.reply = final_reply;
    usable_ = true;
  } catch (const std::exception& e) {
    at.error = e.what();
    usable_ = false;
    connection_.reset();
    // Lost before the final reply: no recipient's outcome is known, all are retried.
    at.recipients.clear();
  }
}

void Session::close() {
  if (connection_ && usable_) {
    try {
      connection_->set_timeout(std::chrono::seconds(5));
      command(*connection_, "QUIT");
    } catch (const std::exception&) {
    }
  }
  usable_ = false;
  connection_.reset();
}

Attempt deliver(const std::string& address, const Options& o, const Envelope& env, std::string_view message) {
  Attempt at;
  Session s(o);
  if (s.open(address, at)) s.send(env, message, at);
  s.close();
  return at;
}

}  // namespace postamt::smtp::client
