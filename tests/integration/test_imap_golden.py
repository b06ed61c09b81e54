"""Golden ENVELOPE and BODYSTRUCTURE through IMAP FETCH (RFC 9051 §7.5.2) on real-world message shapes
from tests/corpus/mime: nested message/rfc822, multipart/alternative, multipart/signed, broken MIME
(missing boundaries, missing final boundary), 8-bit (RFC 6532) and encoded-word (RFC 2047) headers.
The messages are APPENDed byte for byte (line ends made CRLF, as the store keeps them) and the exact
FETCH response items are compared; the unit goldens in tests/unit/mime cover the formatter itself,
these prove the whole path (APPEND, the store's cached strings, FETCH framing)."""
import os
import re
import ssl
import unittest

from harness import Postamt
from test_imap import Raw

USER, PASSWORD = "demo@example.test", "demo-password-1"
CORPUS = os.path.join(os.path.dirname(__file__), "../corpus/mime")


def corpus(path):
    with open(os.path.join(CORPUS, path), "rb") as f:
        data = f.read()
    return re.sub(rb"\r?\n", b"\r\n", data)


def fetch_items(raw_line):
    """Splits `* n FETCH (UID u ENVELOPE (...) BODYSTRUCTURE (...))` into {name: value} using paren
    depth, quoted strings and literals (kept inline as sent)."""
    body = raw_line[raw_line.index(b"(") + 1:raw_line.rindex(b")")]
    items, i = {}, 0
    while i < len(body):
        j = body.index(b" ", i)
        name = body[i:j].decode()
        k, depth, quoted = j + 1, 0, False
        while k < len(body):
            c = body[k:k + 1]
            if quoted:
                if c == b"\\":
                    k += 1
                elif c == b'"':
                    quoted = False
            elif c == b'"':
                quoted = True
            elif c == b"{" and (lit := re.match(rb"\{(\d+)\}\r\n", body[k:])):
                k += len(lit.group(0)) + int(lit.group(1)) - 1
            elif c == b"(":
                depth += 1
            elif c == b")":
                depth -= 1
            elif c == b" " and depth == 0:
                break
            k += 1
        items[name] = body[j + 1:k]
        i = k + 1
    return items


# path -> (ENVELOPE, BODYSTRUCTURE) as wire bytes. Reviewed by hand against the messages: part sizes
# and line counts recomputed independently (the CRLF before a delimiter belongs to the delimiter, an
# unterminated last line counts as a line); ENVELOPE strings are raw header text (encoded-words are
# not decoded, RFC 9051 §7.5.2); 8-bit header text (RFC 6532 UTF-8, or raw Latin-1) goes as literals.
GOLDEN = {
    "MimeKit/UnitTests/TestData/messages/simple-embedded-message.eml": (
        b'("Tue, 12 Nov 2013 09:12:42 -0500" "test of simple embedded message/rfc822 part" ((NIL NIL "mimekit" "example.com")) ((NIL NIL "mimekit" "example.com")) ((NIL NIL "mimekit" "example.com")) ((NIL NIL "mimekit" "example.com")) NIL NIL NIL "<54AD68C9E3B0184CAC6041320424FD1B5B81E74D@localhost.localdomain>")',
        b'(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 27 1 NIL NIL NIL NIL)("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 216 ("Tue, 12 Nov 2013 09:12:42 -0500" "embedded message" ((NIL NIL "mimekit" "example.com")) ((NIL NIL "mimekit" "example.com")) ((NIL NIL "mimekit" "example.com")) ((NIL NIL "mimekit" "example.com")) NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 36 1 NIL NIL NIL NIL) 8 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "----=_NextPart_000_003F_01CE98CE.6E826F90") NIL NIL NIL)'),
    "MimeKit/UnitTests/TestData/messages/simple-multipart.eml": (
        b'("Tue, 12 Nov 2013 09:12:42 -0500" "this is a simple multipart message" ((NIL NIL "mimekit" "example.com")) ((NIL NIL "mimekit" "example.com")) ((NIL NIL "mimekit" "example.com")) ((NIL NIL "mimekit" "example.com")) NIL NIL NIL "<54AD68C9E3B0184CAC6041320424FD1B5B81E74D@localhost.localdomain>")',
        b'(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 27 1 NIL NIL NIL NIL)("APPLICATION" "OCTET-STREAM" ("NAME" "attachment.txt") NIL NIL "BASE64" 54 NIL ("ATTACHMENT" ("FILENAME" "attachment.txt")) NIL NIL) "MIXED" ("BOUNDARY" "----=_NextPart_000_003F_01CE98CE.6E826F90") NIL NIL NIL)'),
    "flanker/tests/fixtures/messages/8bitmime.eml": (
        b'("Wed, 02 Jun 2010 11:06:27 +0800" "2 RCPT MIME" (("bob" NIL "bob" "example.com")) (("bob" NIL "bob" "example.com")) (("bob" NIL "bob" "example.com")) ((NIL NIL "xxx" "example.net")(NIL NIL "yyy" "example.net")) NIL NIL NIL "<1275447987.2063.842.camel@pony>")',
        b'(("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "8BIT" 21 3 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "7BIT" 304 12 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "=-omjqkVTVbwdgCWFRgIkx") NIL NIL NIL)'),
    "flanker/tests/fixtures/messages/signed.eml": (
        b'(NIL "M2Crypto S/MIME testing" ((NIL NIL "sender" "example.dom")) ((NIL NIL "sender" "example.dom")) ((NIL NIL "sender" "example.dom")) ((NIL NIL "recipient" "example.dom")) NIL NIL NIL NIL)',
        b'(("APPLICATION" "PLAIN" ("CHARSET" "utf-8") NIL NIL "BASE64" 36 NIL NIL NIL NIL)("APPLICATION" "X-PKCS7-SIGNATURE" ("NAME" "smime.p7s") NIL NIL "BASE64" 2372 NIL ("ATTACHMENT" ("FILENAME" "smime.p7s")) NIL NIL) "SIGNED" ("PROTOCOL" "application/x-pkcs7-signature" "MICALG" "sha1" "BOUNDARY" "----E0F28B7E67DFE4661A697A8B50B85ACE") NIL NIL NIL)'),
    "flanker/tests/fixtures/messages/missing-final-boundary.eml": (
        b'(NIL "Test" ((NIL NIL "me" "example.com")) ((NIL NIL "me" "example.com")) ((NIL NIL "me" "example.com")) ((NIL NIL "bob" "example.com")(NIL NIL "hithere" "example.com")) NIL NIL NIL NIL)',
        b'(("TEXT" "PLAIN" ("CHARSET" "iso-8859-1") NIL NIL "7BIT" 11 1 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "nextPart") NIL NIL NIL)'),
    "flanker/tests/fixtures/messages/missing-boundaries.eml": (
        b'(NIL NIL ((NIL NIL "me" "example.com")) ((NIL NIL "me" "example.com")) ((NIL NIL "me" "example.com")) ((NIL NIL "you" "example.com")) NIL NIL NIL NIL)',
        b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 158 11 NIL NIL NIL NIL)'),
    "flanker/tests/fixtures/messages/encoded-header.eml": (
        b'(NIL "hello" (("=?UTF-8?B?Rm9vLCBCYXI=?=" NIL "foo.bar" "example.com")) (("=?UTF-8?B?Rm9vLCBCYXI=?=" NIL "foo.bar" "example.com")) (("=?UTF-8?B?Rm9vLCBCYXI=?=" NIL "foo.bar" "example.com")) ((NIL NIL "foo" "example.com")) NIL NIL NIL "<1234567890-1234-4567@example.com>")',
        b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 14 1 NIL NIL NIL NIL)'),
    "flanker/tests/fixtures/messages/from-encoding.eml": (
        b'("Sat, 12 Jul 1997 22:11:13 +0200" "Re: running server as root (Was: Re: PUT method)" (({15}\r\nIngo L\xfctkebohle NIL "ingo" "blank.pages.de")) ((NIL NIL "new-httpd-owner" "apache.org")) ((NIL NIL "new-httpd" "apache.org")) ((NIL NIL "new-httpd" "apache.org")) NIL NIL NIL "<33C7E4E1.2A12445E@blank.pages.de>")',
        b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 416 11 NIL NIL NIL NIL)'),
    "mail/spec/fixtures/emails/rfc6532/utf8_headers.eml": (
        b'(NIL {13}\r\nS\xc3\xa4ying Hello (({9}\r\nJ\xc3\xb6hn Doe NIL {5}\r\njd\xc3\xb6e {16}\r\nm\xc3\xa4chine.example)) (({9}\r\nJ\xc3\xb6hn Doe NIL {5}\r\njd\xc3\xb6e {16}\r\nm\xc3\xa4chine.example)) (({9}\r\nJ\xc3\xb6hn Doe NIL {5}\r\njd\xc3\xb6e {16}\r\nm\xc3\xa4chine.example)) (({11}\r\nM\xc3\xa4ry Smith NIL {5}\r\nm\xc3\xa4ry {12}\r\nex\xc3\xa4mple.net)) NIL NIL NIL NIL)',
        b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 6 1 NIL NIL NIL NIL)'),
    "flanker/tests/fixtures/messages/enclosed.eml": (
        b'("Sat, 30 Jun 2012 17:05:55 +0400" "Wow" (("Bob Marley" NIL "bob" "example.net")) (("Bob Marley" NIL "bob" "example.net")) (("Bob Marley" NIL "bob" "example.net")) (("=?utf-8?b?0JDQu9C10LrRgdCw0L3QtNGAINCa0LvQuNC20LXQvdGC0LDRgeKYrw==?=" NIL "bob" "example.com")) NIL NIL NIL "<4FEEF9B3.7060508@example.net>")',
        b'(("TEXT" "PLAIN" ("CHARSET" "us-ascii" "FORMAT" "flowed") NIL NIL "7BIT" 7 1 NIL NIL NIL NIL)("MESSAGE" "RFC822" ("NAME" "thanks.eml") NIL NIL "7BIT" 2502 ("Fri, 22 Apr 2011 11:21:06 -0700" "Thanks!" (("Kirk Douglas" NIL "dan" "example.com")) (("Kirk Douglas" NIL "dan" "example.com")) (("Kirk Douglas" NIL "dan" "example.com")) (("Bob Marley" NIL "bob" "example.net")("Jimmy Hendrix" NIL "jimmy" "examplehq.com")) NIL NIL NIL "<BANLkTinHZL1QMDHOv7Ewp+Z5u6SPvYcc+Q@mail.gmail.com>") (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "BASE64" 390 5 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "BASE64" 842 11 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "===============4360815924781479146==") NIL NIL NIL) 48 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "===============6195527458677812340==") NIL NIL NIL)'),
}


class GoldenTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Postamt()
        cls.server.add_user(USER, PASSWORD)
        cls.server.start()
        ctx = ssl.create_default_context(cafile=os.path.join(cls.server.data, "tls", "ca.crt"))
        cls.r = Raw(cls.server.port("imaps"), ctx)
        _, tagged = cls.r.cmd("L", f'LOGIN "{USER}" "{PASSWORD}"')
        assert tagged.startswith(b"L OK"), tagged
        # UTF8=ACCEPT so that messages with 8-bit headers may be appended (RFC 6855 §4).
        cls.r.cmd("E", "ENABLE UTF8=ACCEPT")
        cls.r.cmd("C", "CREATE Golden")
        cls.uids = {}
        for n, path in enumerate(GOLDEN):
            data = corpus(path)
            utf8 = any(b >= 0x80 for b in data)
            lit = f"UTF8 (~{{{len(data)}+}}" if utf8 else f"{{{len(data)}+}}"
            cls.r.send(f"A{n} APPEND Golden {lit}\r\n".encode() + data + (b")\r\n" if utf8 else b"\r\n"))
            while True:
                line = cls.r.line()
                if line.startswith(f"A{n} ".encode()):
                    break
            m = re.match(rb"A\d+ OK \[APPENDUID \d+ (\d+)\]", line)
            assert m, (path, line)
            cls.uids[path] = int(m.group(1))
        cls.r.cmd("S", "EXAMINE Golden")

    @classmethod
    def tearDownClass(cls):
        cls.r.close()
        cls.server.cleanup()

    def response(self):
        """One response with its literals inline, exactly as sent ("{n}\\r\\n" + n octets)."""
        line = self.r.line()
        while (m := re.search(rb"\{(\d+)\}$", line)):
            n = int(m.group(1))
            while len(self.r.buf) < n:
                self.r.buf += self.r.sock.recv(65536)
            data, self.r.buf = self.r.buf[:n], self.r.buf[n:]
            line += b"\r\n" + data + self.r.line()
        return line

    def fetch(self, path):
        self.r.send(f"F UID FETCH {self.uids[path]} (ENVELOPE BODYSTRUCTURE)\r\n")
        untagged = self.response()
        tagged = self.r.line()
        self.assertTrue(tagged.startswith(b"F OK"), (untagged, tagged))
        items = fetch_items(untagged)
        return items["ENVELOPE"], items["BODYSTRUCTURE"]

    def check(self, path):
        envelope, bodystructure = self.fetch(path)
        want_env, want_bs = GOLDEN[path]
        self.assertEqual(envelope, want_env, path)
        self.assertEqual(bodystructure, want_bs, path)


def _make(path):
    return lambda self: self.check(path)


for _path in GOLDEN:
    _name = "test_" + re.sub(r"\W+", "_", os.path.splitext(os.path.basename(_path))[0])
    setattr(GoldenTest, _name, _make(_path))


if __name__ == "__main__":
    unittest.main()
