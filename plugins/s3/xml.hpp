// xml — just enough XML for S3's small responses (errors, ListObjectsV2,
// CreateMultipartUpload, CompleteMultipartUpload): find elements by name,
// read their text, decode entities. Not a general parser: S3 responses are
// machine-written, have no same-name nesting among the elements we read,
// no CDATA and no DTDs. Namespace prefixes on element names are not used.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::plugins::s3::xml {

// Inner content of every <name ...>...</name> (or empty for <name/>) at any
// depth, in document order; raw (entities not decoded).
std::vector<std::string_view> elements(std::string_view doc, std::string_view name);

// Entity-decoded text of the first <name> element, or nullopt when absent.
std::optional<std::string> text(std::string_view doc, std::string_view name);

// Decodes &lt; &gt; &amp; &quot; &apos; and numeric references (to UTF-8).
std::string unescape(std::string_view s);
// Escapes < > & " ' for element text.
std::string escape(std::string_view s);

}  // namespace nexus::plugins::s3::xml
