#pragma once
/// Secret forms for redaction tests: generate awkward secrets, plant them the ways encoders
/// write them, and search output for them the ways a reader could decode them.
///
/// `surviving_form` does not look for the encodings the test planted: it decodes the whole output
/// every way (URL/form, JSON, base64 runs at every alignment in both alphabets, and base64 inside
/// the URL/JSON decodings) and looks for any 4-byte piece of the secret, so a test fails when any
/// encoding leaks, not only the one it computed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccci::fakes {

/// A secret of random printable ASCII (never '*', the mask's character) that also holds each of
/// `+/=:%&"\`, a space and `non_ascii` (a UTF-8 character), in random order.
std::string generated_secret(uint32_t seed, std::string_view non_ascii);
/// The secrets the redaction tests share: 2-, 3- and 4-byte UTF-8 characters among them.
std::vector<std::string> sample_secrets();

enum class Alphabet { standard, url_safe };
enum class Padding { kept, dropped };
std::string base64_encode(std::string_view bytes, Alphabet alphabet, Padding padding);

enum class HexCase { upper, lower };
/// Percent-encodes every byte for which `keep` is false; a space becomes `space` when given.
std::string percent_encode(std::string_view text, bool (*keep)(unsigned char), HexCase hex,
                           std::optional<char> space = std::nullopt);
bool is_unreserved(unsigned char c);     // RFC 3986 unreserved: encodeURIComponent-like
bool is_not_reserved(unsigned char c);   // everything but gen-/sub-delims, '%' and space
bool is_plain_or_utf8(unsigned char c);  // a lazy encoder: only "%&+= # ? and controls

enum class JsonStyle {
  minimal,        // only '"', '\\' and controls; UTF-8 as is
  escaped_slash,  // also "\/" (PHP's json_encode)
  ensure_ascii,   // non-ASCII as \uxxxx, surrogate pairs past U+FFFF (Python's json.dumps)
  ensure_ascii_upper,
  all_unicode,  // every character as \uXXXX
};
std::string json_escape(std::string_view text, JsonStyle style);

/// The reading of `text` (e.g. "url-decoded, base64 at offset 2") in which some 4-byte piece of
/// `secret` (the whole secret, if shorter) appears, or nullopt when none does.
std::optional<std::string> surviving_form(std::string_view text, std::string_view secret);

}  // namespace ccci::fakes
