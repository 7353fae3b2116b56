# Turns the dashboard page into a C++ source at build time, so the binary
# serves it with no file beside it:
#   cmake -DINPUT=index.html -DOUTPUT=dashboard_html.cpp -P embed.cmake
# The output defines tokensync::api::kDashboardHtml (a std::string_view).
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from src/api/dashboard/index.html by embed.cmake; edit the page, not this file.\n"
  "#include <string_view>\n\n"
  "namespace tokensync::api {\n"
  "namespace {\n"
  "constexpr char kBytes[] = {${bytes}'\\0'};\n"
  "}  // namespace\n\n"
  "extern const std::string_view kDashboardHtml;\n"
  "const std::string_view kDashboardHtml{kBytes, ${size}};\n\n"
  "}  // namespace tokensync::api\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
