// The MIME structure parser: header sections, Content-* fields, multipart splitting on boundary
// delimiters (RFC 2046 §5.1.1, the CRLF before a delimiter belongs to it), message/rfc822
// encapsulation (RFC 2046 §5.2.1), multipart/digest default type (§5.1.5). Iterative, bounded.
#include <algorithm>

#include "common/strings.hpp"
#include "mime/content_fields.hpp"
#include "mime/header_section.hpp"
#include "mime/message.hpp"

namespace postamt::mime {
namespace {

// The output functions recurse over the tree; this bounds them whatever Limits say.
constexpr std::size_t kHardMaxDepth = 256;

struct Work {
  Part* part;
  std::size_t begin, end, depth;
  bool digest_child;  // RFC 2046 §5.1.5: default type message/rfc822
};

struct Split {
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  std::size_t preamble_end = 0, epilogue_begin = 0;
  bool found = false, terminated = false;
};

bool all_wsp(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// RFC 2046 §5.1.1: delimiter lines "--boundary" [transport-padding], close "--boundary--".
// A close delimiter followed by junk is still taken as the close.
Split split_multipart(std::string_view raw, std::size_t begin, std::size_t end, std::string_view boundary) {
  Split sp;
  sp.preamble_end = sp.epilogue_begin = end;
  std::size_t pos = begin;
  std::size_t cur = std::string_view::npos;  // start of the current body part
  while (pos < end) {
    std::size_t eol = raw.find('\n', pos);
    std::size_t next;
    if (eol == std::string_view::npos || eol >= end) {
      eol = next = end;
    } else {
      next = eol + 1;
    }
    std::string_view line = raw.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() >= 2 + boundary.size() && line[0] == '-' && line[1] == '-' &&
        line.substr(2, boundary.size()) == boundary) {
      std::string_view rest = line.substr(2 + boundary.size());
      bool close = rest.starts_with("--");
      if (close || all_wsp(rest)) {
        std::size_t content_end = pos;  // the line end before the delimiter is part of it
        if (content_end > begin && raw[content_end - 1] == '\n') {
          --content_end;
          if (content_end > begin && raw[content_end - 1] == '\r') --content_end;
        }
        if (cur == std::string_view::npos) {
          sp.preamble_end = content_end;
          sp.found = true;
        } else {
          sp.parts.emplace_back(cur, std::max(cur, content_end));
        }
        if (close) {
          sp.terminated = true;
          sp.epilogue_begin = next;
          return sp;
        }
        cur = next;
      }
    }
    pos = next;
  }
  if (cur != std::string_view::npos) sp.parts.emplace_back(cur, end);
  return sp;
}

std::size_t count_lines(std::string_view body) {
  std::size_t n = static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n'));
  if (!body.empty() && body.back() != '\n') ++n;
  return n;
}

class Parser {
 public:
  Parser(std::string_view raw, const Limits& limits, Message& m) : raw_(raw), limits_(limits), m_(m) {
    max_depth_ = std::min(limits.max_depth, kHardMaxDepth);
  }

  void run() {
    std::vector<Work> stack;
    stack.push_back(Work{&m_.root, 0, raw_.size(), 0, false});
    parts_ = 1;
    if (limits_.max_parts < 1) return fatal(Defect::PartLimit, "message has more MIME parts than allowed (0)");
    while (!stack.empty() && !m_.fatal) {
      Work w = stack.back();
      stack.pop_back();
      parse_part(w, stack);
    }
  }

 private:
  void defect(Defect d) {
    if (!m_.has(d)) m_.defects.push_back(d);
  }
  void fatal(Defect d, std::string reason) {
    defect(d);
    m_.fatal = true;
    m_.fatal_reason = std::move(reason);
  }

  void parse_part(const Work& w, std::vector<Work>& stack) {
    Part& p = *w.part;
    auto hs = detail::scan_header(raw_, w.begin, w.end, limits_.max_header_bytes);
    if (hs.too_big)
      return fatal(Defect::HeaderTooBig,
                   "header section larger than " + std::to_string(limits_.max_header_bytes) + " bytes");
    if (hs.bad_line) defect(Defect::BadHeaderLine);
    if (hs.eight_bit) defect(Defect::EightBitHeader);
    if (hs.no_separator) defect(Defect::NoHeaderBodySeparator);
    p.header_begin = w.begin;
    p.header_end = hs.header_end;
    p.body_begin = hs.body_begin;
    p.body_end = w.end;
    p.body_lines = count_lines(raw_.substr(p.body_begin, p.body_end - p.body_begin));
    if (w.digest_child) {
      p.type = "message";
      p.subtype = "rfc822";
    }
    apply_fields(p, hs);

    if (p.type == "multipart") {
      const Param* b = p.param("boundary");
      if (!b || b->value.empty()) {  // RFC 2045 §5.2-style fallback: read it as text
        defect(Defect::MissingBoundary);
        p.type = "text";
        p.subtype = "plain";
        return;
      }
      auto sp = split_multipart(raw_, p.body_begin, p.body_end, b->value);
      p.preamble_end = sp.preamble_end;
      p.epilogue_begin = sp.epilogue_begin;
      if (!sp.found) {
        defect(Defect::MissingBoundary);
        return;
      }
      if (!sp.terminated) defect(Defect::UnterminatedMultipart);
      if (sp.parts.empty()) return;
      if (w.depth + 1 > max_depth_)
        return fatal(Defect::DepthLimit, "MIME nesting deeper than " + std::to_string(max_depth_) + " levels");
      if (parts_ + sp.parts.size() > limits_.max_parts)
        return fatal(Defect::PartLimit, "message has more than " + std::to_string(limits_.max_parts) + " MIME parts");
      parts_ += sp.parts.size();
      p.children.resize(sp.parts.size());
      bool digest = p.subtype == "digest";
      for (std::size_t i = sp.parts.size(); i-- > 0;)
        stack.push_back(Work{&p.children[i], sp.parts[i].first, sp.parts[i].second, w.depth + 1, digest});
    } else if (p.type == "message" && (p.subtype == "rfc822" || p.subtype == "global") &&
               (p.encoding == "7bit" || p.encoding == "8bit" || p.encoding == "binary")) {
      // RFC 2046 §5.2.1 (RFC 6532 §3.5 for message/global): the body is a whole message. With a
      // base64/QP encoding (forbidden for rfc822) it is left opaque.
      if (w.depth + 1 > max_depth_)
        return fatal(Defect::DepthLimit, "MIME nesting deeper than " + std::to_string(max_depth_) + " levels");
      if (parts_ + 1 > limits_.max_parts)
        return fatal(Defect::PartLimit, "message has more than " + std::to_string(limits_.max_parts) + " MIME parts");
      ++parts_;
      p.children.resize(1);
      stack.push_back(Work{&p.children[0], p.body_begin, p.body_end, w.depth + 1, false});
    }
  }

  void apply_fields(Part& p, const detail::HeaderScan& hs) {
    bool seen_type = false, seen_cte = false, seen_id = false, seen_desc = false, seen_md5 = false,
         seen_disp = false, seen_lang = false, seen_loc = false;
    for (const auto& f : hs.fields) {
      std::string_view name = raw_.substr(f.name_begin, f.name_end - f.name_begin);
      auto value = [&] { return detail::unfold(raw_.substr(f.value_begin, f.value_end - f.value_begin)); };
      if (str::iequals(name, "Content-Type") && !seen_type) {
        seen_type = true;
        detail::parse_content_type(value(), p.type, p.subtype, p.params);
      } else if (str::iequals(name, "Content-Transfer-Encoding") && !seen_cte) {
        seen_cte = true;
        std::string enc = detail::parse_token_value(value());
        if (!enc.empty()) p.encoding = enc;
      } else if (str::iequals(name, "Content-ID") && !seen_id) {
        seen_id = true;
        p.id = value();
      } else if (str::iequals(name, "Content-Description") && !seen_desc) {
        seen_desc = true;
        p.description = value();
      } else if (str::iequals(name, "Content-MD5") && !seen_md5) {
        seen_md5 = true;
        p.md5 = value();
      } else if (str::iequals(name, "Content-Disposition") && !seen_disp) {
        seen_disp = true;
        detail::parse_disposition(value(), p.disposition, p.disposition_params);
      } else if (str::iequals(name, "Content-Language") && !seen_lang) {
        seen_lang = true;
        p.language = detail::parse_token_list(value());
      } else if (str::iequals(name, "Content-Location") && !seen_loc) {
        seen_loc = true;
        // RFC 2557 §4.4.1: folding whitespace inside the URI is not part of it
        std::string v = value();
        std::erase_if(v, [](char c) { return c == ' ' || c == '\t'; });
        p.location = std::move(v);
      }
      if (str::iequals(name, "Subject") || str::iequals(name, "From") || str::iequals(name, "To") ||
          str::iequals(name, "Cc") || str::iequals(name, "Content-Description")) {
        bool bad = false;
        decode_words(value(), &bad);
        if (bad) defect(Defect::BadEncodedWord);
      }
    }
  }

  std::string_view raw_;
  const Limits& limits_;
  Message& m_;
  std::size_t max_depth_ = 0;
  std::size_t parts_ = 0;
};

const Param* find_param(const std::vector<Param>& ps, std::string_view name) {
  for (const auto& p : ps)
    if (str::iequals(p.name, name)) return &p;
  return nullptr;
}

}  // namespace

bool Part::is_message() const {
  return type == "message" && (subtype == "rfc822" || subtype == "global") && children.size() == 1;
}
const Param* Part::param(std::string_view name) const { return find_param(params, name); }
const Param* Part::disposition_param(std::string_view name) const { return find_param(disposition_params, name); }

bool Message::has(Defect d) const { return std::find(defects.begin(), defects.end(), d) != defects.end(); }

std::string_view defect_name(Defect d) {
  switch (d) {
    case Defect::MissingBoundary: return "missing-boundary";
    case Defect::UnterminatedMultipart: return "unterminated-multipart";
    case Defect::BadHeaderLine: return "bad-header-line";
    case Defect::EightBitHeader: return "8bit-header";
    case Defect::BadEncodedWord: return "bad-encoded-word";
    case Defect::DepthLimit: return "depth-limit";
    case Defect::PartLimit: return "part-limit";
    case Defect::HeaderTooBig: return "header-too-big";
    case Defect::NoHeaderBodySeparator: return "no-header-body-separator";
  }
  return "unknown";
}

Message parse(std::string_view raw, const Limits& limits) {
  Message m;
  Parser(raw, limits, m).run();
  return m;
}

std::vector<std::pair<std::string, std::string>> header_fields(std::string_view raw, const Part& part) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t end = std::min(part.header_end, raw.size());
  if (part.header_begin >= end) return out;
  auto hs = detail::scan_header(raw, part.header_begin, end, end - part.header_begin + 1);
  out.reserve(hs.fields.size());
  for (const auto& f : hs.fields)
    out.emplace_back(std::string(raw.substr(f.name_begin, f.name_end - f.name_begin)),
                     detail::unfold(raw.substr(f.value_begin, f.value_end - f.value_begin)));
  return out;
}

std::optional<std::string> header_value(std::string_view raw, const Part& part, std::string_view name) {
  std::size_t end = std::min(part.header_end, raw.size());
  if (part.header_begin >= end) return std::nullopt;
  auto hs = detail::scan_header(raw, part.header_begin, end, end - part.header_begin + 1);
  for (const auto& f : hs.fields)
    if (str::iequals(raw.substr(f.name_begin, f.name_end - f.name_begin), name))
      return detail::unfold(raw.substr(f.value_begin, f.value_end - f.value_begin));
  return std::nullopt;
}

std::optional<std::string> attachment_name(const Part& part) {
  const Param* p = part.disposition_param("filename");
  if (!p) p = part.param("name");
  if (!p) return std::nullopt;
  return decode_words(p->value);
}

}  // namespace postamt::mime
