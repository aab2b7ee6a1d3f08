#include "agent/messages.hpp"

#include "agent/field_reader.hpp"
#include "io/zstd_stream.hpp"
#include "nix/sha256.hpp"
#include "nix/store_path.hpp"
#include "util/base64.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

namespace shoal::agent {
namespace {

using nlohmann::json;

// One protocol line. Messages quote what others wrote (file names,
// nix-store's stderr), which need not be UTF-8: invalid bytes become U+FFFD
// instead of an exception that would keep the message from ever arriving.
std::string line_of(const json& message) {
    return message.dump(-1, ' ', false, json::error_handler_t::replace);
}
namespace base64 = util::base64;

constexpr std::uint64_t max_port = std::numeric_limits<std::uint16_t>::max();

template <class... Handlers> struct Overloaded : Handlers... { using Handlers::operator()...; };
// C++20 deduces this by itself, but clang before 17 (the fuzz build's) needs the guide.
template <class... Handlers> Overloaded(Handlers...) -> Overloaded<Handlers...>;

bool is_numeric_address(const std::string& address) {
    unsigned char buffer[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, address.c_str(), buffer) == 1 ||
           ::inet_pton(AF_INET6, address.c_str(), buffer) == 1;
}

json endpoint_json(const swarm::Endpoint& endpoint) {
    return {{"address", endpoint.address}, {"port", endpoint.port}};
}

swarm::Endpoint read_endpoint(FieldReader fields, std::uint64_t min_port) {
    swarm::Endpoint endpoint;
    endpoint.address = fields.string("address");
    if (!is_numeric_address(endpoint.address)) {
        fields.fail("address",
                    fmt::format("must be a numeric IP address, not '{}'", endpoint.address));
    }
    endpoint.port = static_cast<std::uint16_t>(fields.unsigned_integer("port", max_port));
    if (endpoint.port < min_port) {
        fields.fail("port", fmt::format("must be at least {}", min_port));
    }
    fields.check_no_other_fields();
    return endpoint;
}

std::string read_store_path(FieldReader& fields, std::string_view name, std::string path) {
    if (const auto problem = nix::store_path_problem(path)) {
        fields.fail(name, "is not a store path: " + *problem);
    }
    return path;
}

bool is_plain_file_name(const std::string& file) {
    return !file.empty() && file != "." && file != ".." &&
           file.find_first_of(std::string_view("/\0", 2)) == std::string::npos;
}

// The name of one file directly in the torrent's directory.
std::string read_file_name(FieldReader& fields, std::string_view name) {
    std::string file = fields.string(name);
    if (!is_plain_file_name(file)) {
        fields.fail(name, fmt::format("must be a plain file name, not '{}'", file));
    }
    return file;
}

std::filesystem::path read_staging(FieldReader& fields) {
    const std::string text = fields.string("staging");
    const std::filesystem::path staging(text);
    // The agent may delete this directory: it must be exactly what it says.
    const bool plain = staging.is_absolute() && staging != staging.root_path() &&
                       staging.lexically_normal() == staging && text.back() != '/';
    if (!plain) {
        fields.fail("staging", fmt::format("must be an absolute, normalized directory path below "
                                           "'/', not '{}'",
                                           text));
    }
    return staging;
}

AssignedPath read_assigned_path(FieldReader fields) {
    AssignedPath assigned;
    nix::PathInfo& info = assigned.info;
    info.path = read_store_path(fields, "path", fields.string("path"));
    assigned.file = read_file_name(fields, "file");
    info.deriver = fields.string("deriver");
    if (!info.deriver.empty()) {
        read_store_path(fields, "deriver", info.deriver);
    }
    const std::vector<std::string> references = fields.strings("references");
    for (std::size_t i = 0; i < references.size(); ++i) {
        info.references.push_back(
            read_store_path(fields, fmt::format("references[{}]", i), references[i]));
    }
    info.nar_size = fields.unsigned_integer("nar_size");
    info.nar_hash = fields.string("nar_hash");
    if (!nix::is_nix_sha256(info.nar_hash)) {
        fields.fail(
            "nar_hash",
            fmt::format("must be 'sha256:' and 52 nixbase32 characters, not '{}'", info.nar_hash));
    }
    info.ca = fields.string("ca");
    info.sigs = fields.strings("sigs");
    fields.check_no_other_fields();
    return assigned;
}

std::vector<AssignedPath> read_assigned_paths(FieldReader& fields) {
    std::vector<AssignedPath> paths;
    std::set<std::string> seen_paths;
    std::set<std::string> seen_files;
    std::vector<FieldReader> entries = fields.objects("paths");
    if (entries.empty()) {
        fields.fail("paths", "must list at least one path: a host lacking nothing needs no agent");
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        AssignedPath assigned = read_assigned_path(entries[i]);
        if (!seen_paths.insert(assigned.info.path).second) {
            fields.fail(fmt::format("paths[{}].path", i),
                        fmt::format("repeats '{}'", assigned.info.path));
        }
        if (!seen_files.insert(assigned.file).second) {
            fields.fail(fmt::format("paths[{}].file", i),
                        fmt::format("repeats '{}'", assigned.file));
        }
        paths.push_back(std::move(assigned));
    }
    return paths;
}

std::vector<std::string> read_relay_files(FieldReader& fields,
                                          const std::vector<AssignedPath>& paths) {
    std::set<std::string> seen;
    for (const AssignedPath& assigned : paths) {
        seen.insert(assigned.file);
    }
    std::vector<std::string> files = fields.strings("relay_files");
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::string name = fmt::format("relay_files[{}]", i);
        if (!is_plain_file_name(files[i])) {
            fields.fail(name, fmt::format("must be a plain file name, not '{}'", files[i]));
        }
        if (!seen.insert(files[i]).second) {
            fields.fail(name, fmt::format("repeats '{}'", files[i]));
        }
    }
    return files;
}

std::string read_nonempty(FieldReader& fields, std::string_view name) {
    std::string value = fields.string(name);
    if (value.empty()) {
        fields.fail(name, "must not be empty");
    }
    return value;
}

// Checks the "type" field and returns a reader for the rest.
FieldReader message_fields(const json& object, std::string_view type) {
    FieldReader fields(object, std::string(type));
    if (fields.string("type") != type) {
        fields.fail("type", fmt::format("must be \"{}\"", type));
    }
    return fields;
}

std::string type_of(const json& object, std::string_view what) {
    const auto type = object.find("type");
    if (type == object.end() || !type->is_string()) {
        throw ProtocolError(fmt::format("{}: field 'type' is missing or not a string", what));
    }
    return type->get<std::string>();
}

json assigned_path_json(const AssignedPath& assigned) {
    const nix::PathInfo& info = assigned.info;
    return {{"path", info.path},
            {"file", assigned.file},
            {"deriver", info.deriver},
            {"references", info.references},
            {"nar_size", info.nar_size},
            {"nar_hash", info.nar_hash},
            {"ca", info.ca},
            {"sigs", info.sigs}};
}

Event read_event(FieldReader& fields, const std::string& type) {
    if (type == "ready") {
        return Ready{static_cast<std::uint16_t>(fields.unsigned_integer("port", max_port))};
    }
    if (type == "progress") {
        Progress progress;
        progress.downloaded = fields.unsigned_integer("downloaded");
        progress.wanted = fields.unsigned_integer("wanted");
        progress.received = fields.unsigned_integer("received");
        progress.uploaded = fields.unsigned_integer("uploaded");
        progress.peers = fields.unsigned_integer("peers");
        return progress;
    }
    if (type == "path-imported") {
        return PathImported{read_store_path(fields, "path", fields.string("path"))};
    }
    if (type == "complete") {
        return Complete{};
    }
    if (type == "error") {
        return Failure{fields.string("message")};
    }
    if (type == "peer-banned") {
        return PeerBanned{read_endpoint(fields.object("peer"), 1)};
    }
    throw ProtocolError(fmt::format("event: unknown type '{}' (expected ready, progress, "
                                    "path-imported, complete, error or peer-banned)",
                                    type));
}

// The type of an assignment line that carries the plain one zstd-compressed.
constexpr std::string_view compressed_assignment = "assignment-zstd";

void check_version(FieldReader& fields) {
    const std::uint64_t version = fields.unsigned_integer("version");
    if (version != protocol_version) {
        fields.fail("version", fmt::format("is {}, but this agent speaks version {}", version,
                                           protocol_version));
    }
}

Assignment read_assignment(const json& object) {
    FieldReader fields = message_fields(object, "assignment");
    check_version(fields);
    Assignment assignment;
    assignment.host = read_nonempty(fields, "host");
    const std::optional<std::string> torrent = base64::decode(read_nonempty(fields, "torrent"));
    if (!torrent) {
        fields.fail("torrent", "must be base64 (RFC 4648, padded)");
    }
    assignment.torrent = *torrent;
    assignment.certificate.certificate_pem = read_nonempty(fields, "certificate");
    assignment.certificate.private_key_pem = read_nonempty(fields, "private_key");
    assignment.listen = read_endpoint(fields.object("listen"), 0);
    assignment.staging = read_staging(fields);
    assignment.paths = read_assigned_paths(fields);
    assignment.relay_files = read_relay_files(fields, assignment.paths);
    assignment.upload_limit = fields.unsigned_integer("upload_limit");
    assignment.download_limit = fields.unsigned_integer("download_limit");
    assignment.peer_limit_while_fed = fields.unsigned_integer("peer_limit_while_fed");
    assignment.linger = std::chrono::seconds(static_cast<std::int64_t>(
        fields.unsigned_integer("linger_seconds", std::numeric_limits<std::uint32_t>::max())));
    assignment.keep_cache = fields.boolean("keep_cache");
    assignment.low_priority = fields.boolean("low_priority");
    fields.check_no_other_fields();
    return assignment;
}

} // namespace

std::string encode(const Assignment& assignment) {
    json paths = json::array();
    for (const AssignedPath& assigned : assignment.paths) {
        paths.push_back(assigned_path_json(assigned));
    }
    const json message = {{"type", "assignment"},
                          {"version", protocol_version},
                          {"host", assignment.host},
                          {"torrent", base64::encode(assignment.torrent)},
                          {"certificate", assignment.certificate.certificate_pem},
                          {"private_key", assignment.certificate.private_key_pem},
                          {"listen", endpoint_json(assignment.listen)},
                          {"staging", assignment.staging.string()},
                          {"paths", paths},
                          {"relay_files", assignment.relay_files},
                          {"upload_limit", assignment.upload_limit},
                          {"download_limit", assignment.download_limit},
                          {"peer_limit_while_fed", assignment.peer_limit_while_fed},
                          {"linger_seconds", assignment.linger.count()},
                          {"keep_cache", assignment.keep_cache},
                          {"low_priority", assignment.low_priority}};
    return line_of({{"type", compressed_assignment},
                    {"version", protocol_version},
                    {"data", base64::encode(io::zstd_compress(line_of(message)))}});
}

std::string encode(const Command& command) {
    return line_of(std::visit(
        Overloaded{
            [](const Connect& connect) {
                json peers = json::array();
                for (const swarm::Endpoint& peer : connect.peers) {
                    peers.push_back(endpoint_json(peer));
                }
                return json{{"type", "connect"}, {"peers", peers}, {"deployer", connect.deployer}};
            },
            [](const Finish&) {
                return json{{"type", "finish"}};
            },
            [](const Ban& ban) {
                return json{{"type", "ban"}, {"address", ban.address}};
            }},
        command));
}

std::string encode(const Event& event) {
    return line_of(std::visit(
        Overloaded{[](const Ready& ready) {
                       return json{{"type", "ready"}, {"port", ready.port}};
                   },
                   [](const Progress& progress) {
                       return json{{"type", "progress"},
                                   {"downloaded", progress.downloaded},
                                   {"wanted", progress.wanted},
                                   {"received", progress.received},
                                   {"uploaded", progress.uploaded},
                                   {"peers", progress.peers}};
                   },
                   [](const PathImported& imported) {
                       return json{{"type", "path-imported"}, {"path", imported.path}};
                   },
                   [](const Complete&) {
                       return json{{"type", "complete"}};
                   },
                   [](const Failure& failure) {
                       return json{{"type", "error"}, {"message", failure.message}};
                   },
                   [](const PeerBanned& banned) {
                       return json{{"type", "peer-banned"}, {"peer", endpoint_json(banned.peer)}};
                   }},
        event));
}

Assignment parse_assignment(std::string_view line) {
    const json object = parse_json_object(line, "assignment");
    if (type_of(object, "assignment") != compressed_assignment) {
        return read_assignment(object);
    }
    FieldReader fields = message_fields(object, compressed_assignment);
    check_version(fields);
    const std::optional<std::string> frame = base64::decode(read_nonempty(fields, "data"));
    if (!frame) {
        fields.fail("data", "must be base64 (RFC 4648, padded)");
    }
    fields.check_no_other_fields();
    std::string plain;
    try {
        plain = io::zstd_decompress(*frame, max_controller_line, "the frame");
    } catch (const util::Error& e) {
        fields.fail("data",
                    fmt::format("must be one zstd frame of a plain assignment: {}", e.what()));
    }
    // What it holds is a plain assignment, never another compressed one.
    return read_assignment(parse_json_object(plain, "assignment (decompressed)"));
}

Command parse_command(std::string_view line) {
    const json object = parse_json_object(line, "command");
    const std::string type = type_of(object, "command");
    if (type == "connect") {
        FieldReader fields = message_fields(object, type);
        Connect connect;
        for (FieldReader& peer : fields.objects("peers")) {
            connect.peers.push_back(read_endpoint(std::move(peer), 1));
        }
        connect.deployer = fields.boolean("deployer");
        fields.check_no_other_fields();
        return connect;
    }
    if (type == "finish") {
        message_fields(object, type).check_no_other_fields();
        return Finish{};
    }
    if (type == "ban") {
        FieldReader fields = message_fields(object, type);
        Ban ban{fields.string("address")};
        if (!is_numeric_address(ban.address)) {
            fields.fail("address",
                        fmt::format("must be a numeric IP address, not '{}'", ban.address));
        }
        fields.check_no_other_fields();
        return ban;
    }
    throw ProtocolError(
        fmt::format("command: unknown type '{}' (expected connect, finish or ban)", type));
}

Event parse_event(std::string_view line) {
    const json object = parse_json_object(line, "event");
    const std::string type = type_of(object, "event");
    FieldReader fields = message_fields(object, type);
    Event event = read_event(fields, type);
    fields.check_no_other_fields();
    return event;
}

} // namespace shoal::agent
