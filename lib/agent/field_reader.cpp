#include "agent/field_reader.hpp"

#include "agent/protocol_error.hpp"

#include <fmt/format.h>

namespace shoal::agent {

FieldReader::FieldReader(const nlohmann::json& object, std::string message, std::string prefix)
    : object_(&object), message_(std::move(message)), prefix_(std::move(prefix)) {
    if (!object.is_object()) {
        throw ProtocolError(
            prefix_.empty() ? fmt::format("{}: expected a JSON object", message_)
                            : fmt::format("{}: field '{}' must be an object", message_, prefix_));
    }
}

std::string FieldReader::field_path(std::string_view name) const {
    return prefix_.empty() ? std::string(name) : fmt::format("{}.{}", prefix_, name);
}

void FieldReader::fail(std::string_view name, std::string_view problem) const {
    throw ProtocolError(fmt::format("{}: field '{}' {}", message_, field_path(name), problem));
}

const nlohmann::json& FieldReader::field(std::string_view name) {
    const auto found = object_->find(name);
    if (found == object_->end()) {
        fail(name, "is missing");
    }
    read_.emplace(name);
    return *found;
}

std::string FieldReader::string(std::string_view name) {
    const nlohmann::json& value = field(name);
    if (!value.is_string()) {
        fail(name, "must be a string");
    }
    return value.get<std::string>();
}

std::uint64_t FieldReader::unsigned_integer(std::string_view name, std::uint64_t max) {
    const nlohmann::json& value = field(name);
    // nlohmann stores non-negative integers as unsigned, negative ones as
    // signed: -1 and 1.5 both land here.
    if (!value.is_number_unsigned()) {
        fail(name, "must be a non-negative integer");
    }
    const auto number = value.get<std::uint64_t>();
    if (number > max) {
        fail(name, fmt::format("must be at most {}", max));
    }
    return number;
}

bool FieldReader::boolean(std::string_view name) {
    const nlohmann::json& value = field(name);
    if (!value.is_boolean()) {
        fail(name, "must be true or false");
    }
    return value.get<bool>();
}

std::vector<std::string> FieldReader::strings(std::string_view name) {
    const nlohmann::json& value = field(name);
    if (!value.is_array()) {
        fail(name, "must be an array of strings");
    }
    std::vector<std::string> result;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) {
            fail(fmt::format("{}[{}]", name, i), "must be a string");
        }
        result.push_back(value[i].get<std::string>());
    }
    return result;
}

FieldReader FieldReader::object(std::string_view name) {
    return FieldReader(field(name), message_, field_path(name));
}

std::vector<FieldReader> FieldReader::objects(std::string_view name) {
    const nlohmann::json& value = field(name);
    if (!value.is_array()) {
        fail(name, "must be an array of objects");
    }
    std::vector<FieldReader> result;
    for (std::size_t i = 0; i < value.size(); ++i) {
        result.emplace_back(value[i], message_, fmt::format("{}[{}]", field_path(name), i));
    }
    return result;
}

void FieldReader::check_no_other_fields() const {
    for (const auto& [name, value] : object_->items()) {
        if (!read_.contains(name)) {
            fail(name, "is unknown");
        }
    }
}

nlohmann::json parse_json_object(std::string_view line, std::string_view message) {
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& error) {
        // Not only parse_error: a number too large for a double ("1e400") is out_of_range.
        throw ProtocolError(fmt::format("{}: not valid JSON: {}", message, error.what()));
    }
    if (!json.is_object()) {
        throw ProtocolError(fmt::format("{}: expected a JSON object", message));
    }
    return json;
}

} // namespace shoal::agent
