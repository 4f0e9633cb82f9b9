#include "language_codes.hpp"

#include <array>
#include <utility>

namespace nexus::plugins::openai {
namespace {

// Whisper's LANGUAGES table (openai/whisper, whisper/tokenizer.py), name → code.
constexpr std::array<std::pair<std::string_view, std::string_view>, 100> kWhisperLanguages{{
    {"english", "en"},        {"chinese", "zh"},       {"german", "de"},    {"spanish", "es"},    {"russian", "ru"},
    {"korean", "ko"},         {"french", "fr"},        {"japanese", "ja"},  {"portuguese", "pt"}, {"turkish", "tr"},
    {"polish", "pl"},         {"catalan", "ca"},       {"dutch", "nl"},     {"arabic", "ar"},     {"swedish", "sv"},
    {"italian", "it"},        {"indonesian", "id"},    {"hindi", "hi"},     {"finnish", "fi"},    {"vietnamese", "vi"},
    {"hebrew", "he"},         {"ukrainian", "uk"},     {"greek", "el"},     {"malay", "ms"},      {"czech", "cs"},
    {"romanian", "ro"},       {"danish", "da"},        {"hungarian", "hu"}, {"tamil", "ta"},      {"norwegian", "no"},
    {"thai", "th"},           {"urdu", "ur"},          {"croatian", "hr"},  {"bulgarian", "bg"},  {"lithuanian", "lt"},
    {"latin", "la"},          {"maori", "mi"},         {"malayalam", "ml"}, {"welsh", "cy"},      {"slovak", "sk"},
    {"telugu", "te"},         {"persian", "fa"},       {"latvian", "lv"},   {"bengali", "bn"},    {"serbian", "sr"},
    {"azerbaijani", "az"},    {"slovenian", "sl"},     {"kannada", "kn"},   {"estonian", "et"},   {"macedonian", "mk"},
    {"breton", "br"},         {"basque", "eu"},        {"icelandic", "is"}, {"armenian", "hy"},   {"nepali", "ne"},
    {"mongolian", "mn"},      {"bosnian", "bs"},       {"kazakh", "kk"},    {"albanian", "sq"},   {"swahili", "sw"},
    {"galician", "gl"},       {"marathi", "mr"},       {"punjabi", "pa"},   {"sinhala", "si"},    {"khmer", "km"},
    {"shona", "sn"},          {"yoruba", "yo"},        {"somali", "so"},    {"afrikaans", "af"},  {"occitan", "oc"},
    {"georgian", "ka"},       {"belarusian", "be"},    {"tajik", "tg"},     {"sindhi", "sd"},     {"gujarati", "gu"},
    {"amharic", "am"},        {"yiddish", "yi"},       {"lao", "lo"},       {"uzbek", "uz"},      {"faroese", "fo"},
    {"haitian creole", "ht"}, {"pashto", "ps"},        {"turkmen", "tk"},   {"nynorsk", "nn"},    {"maltese", "mt"},
    {"sanskrit", "sa"},       {"luxembourgish", "lb"}, {"myanmar", "my"},   {"tibetan", "bo"},    {"tagalog", "tl"},
    {"malagasy", "mg"},       {"assamese", "as"},      {"tatar", "tt"},     {"hawaiian", "haw"},  {"lingala", "ln"},
    {"hausa", "ha"},          {"bashkir", "ba"},       {"javanese", "jw"},  {"sundanese", "su"},  {"cantonese", "yue"},
}};

}  // namespace

std::string language_code(std::string_view whisper_name) {
  std::string lower(whisper_name);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (const auto& [name, code] : kWhisperLanguages)
    if (lower == name) return std::string(code);
  if (lower.size() >= 2 && lower.size() <= 3) return lower;  // already a code ("en")
  return std::string(whisper_name);
}

}  // namespace nexus::plugins::openai
