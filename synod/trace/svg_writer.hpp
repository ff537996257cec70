// Tiny helpers for writing SVG/XML text by hand: escaping and number formatting. The exporters
// need nothing more, and a dependency-free writer keeps the output byte-stable for golden tests.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace synod::trace {

// Escapes &, <, >, " and ' so the text is safe both as element content and inside an attribute.
inline std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not allowed in XML 1.0 at all.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
    }
  }
  return out;
}

// Coordinates with one decimal: enough for screens, short enough for big diagrams.
inline std::string num(double v) { return fmt::format("{:.1f}", v); }

}  // namespace synod::trace
