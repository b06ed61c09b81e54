// Small string helpers shared by every module (ASCII case folding, trimming, splitting, hex).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace postamt::str {

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
std::string hex(std::string_view bytes);

}  // namespace postamt::str
