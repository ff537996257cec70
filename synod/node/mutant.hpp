// Mutants: a test-only way to break each rule a protocol's header lists (its B1..B5-style tags),
// so that a sweep can prove its checkers catch every broken rule. A checker that never fires
// proves nothing.
//
// A protocol reads the option `mutant=TAG` (parse_mutant) and, where the header's rule TAG is
// carried out, breaks it when `mutant_.breaks("TAG")`. The catalog lists each mutant with the
// checker that must catch it (synod/check/catalog.hpp); `synod mutants` and the mutants tests
// sweep them, and `synod node` refuses the option: a deployed node never runs a mutant.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "synod/core/status.hpp"
#include "synod/node/registry.hpp"

namespace synod {

inline constexpr std::string_view kMutantOption = "mutant";

class Mutant {
 public:
  Mutant() = default;
  // True when this instance breaks rule `tag` (cheap when no mutant is set: one size check).
  bool breaks(std::string_view tag) const { return !tag_.empty() && tag_ == tag; }
  bool any() const { return !tag_.empty(); }
  const std::string& tag() const { return tag_; }

 private:
  friend Result<Mutant> parse_mutant(const ProtocolOptions&,
                                     std::initializer_list<std::string_view>);
  std::string tag_;
};

// Reads `mutant=TAG` from `opts`, if present; TAG must be one of `known`.
inline Result<Mutant> parse_mutant(const ProtocolOptions& opts,
                                   std::initializer_list<std::string_view> known) {
  Mutant m;
  const auto it = opts.find(std::string(kMutantOption));
  if (it == opts.end()) return m;
  std::string names;
  for (std::string_view k : known) {
    if (k == it->second) {
      m.tag_ = it->second;
      return m;
    }
    names += names.empty() ? "" : ", ";
    names += k;
  }
  return invalid_argument("mutant '" + it->second + "' is not a rule of this protocol (rules: " +
                          (names.empty() ? std::string("none") : names) + ")");
}

}  // namespace synod
