#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::agent {

// Reads the fields of one JSON object of a protocol message strictly: every
// field must be there with the right type, and check_no_other_fields()
// refuses fields nobody read. Errors are ProtocolErrors such as
// "assignment: field 'paths[3].nar_size' must be a non-negative integer".
class FieldReader {
public:
    // `message` names the message ("assignment"); `prefix` is the path of
    // this object inside it ("paths[3]"), empty for the message itself.
    FieldReader(const nlohmann::json& object, std::string message, std::string prefix = "");

    std::string string(std::string_view name);
    std::uint64_t unsigned_integer(std::string_view name,
                                   std::uint64_t max = std::numeric_limits<std::uint64_t>::max());
    bool boolean(std::string_view name);
    std::vector<std::string> strings(std::string_view name);
    FieldReader object(std::string_view name);
    std::vector<FieldReader> objects(std::string_view name);

    void check_no_other_fields() const;

    // Throws a ProtocolError about field `name` of this object.
    [[noreturn]] void fail(std::string_view name, std::string_view problem) const;

private:
    const nlohmann::json& field(std::string_view name);
    std::string field_path(std::string_view name) const;

    const nlohmann::json* object_;
    std::string message_;
    std::string prefix_;
    std::set<std::string, std::less<>> read_;
};

// The JSON object on one protocol line; throws ProtocolError naming
// `message` if the line is not one.
nlohmann::json parse_json_object(std::string_view line, std::string_view message);

} // namespace shoal::agent
