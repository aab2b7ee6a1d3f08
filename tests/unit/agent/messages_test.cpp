#include "agent/messages.hpp"
#include "io/zstd_stream.hpp"
#include "util/base64.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <random>

using namespace shoal::agent;
using nlohmann::json;

namespace {

const std::string lib_path = "/nix/store/0c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-lib";
const std::string app_path = "/nix/store/1c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-app";
const std::string nar_hash = "sha256:" + std::string(52, '1');

Assignment example_assignment() {
    Assignment assignment;
    assignment.host = "web-01";
    assignment.torrent = std::string("d4:info\0\xff", 9);
    assignment.certificate = {"-----BEGIN CERTIFICATE-----\n", "-----BEGIN PRIVATE KEY-----\n"};
    assignment.listen = {"10.0.1.11", 7400};
    assignment.staging = "/var/tmp/shoal/key/web-01";
    AssignedPath lib;
    lib.info.path = lib_path;
    lib.info.nar_size = 1234;
    lib.info.nar_hash = nar_hash;
    lib.file = "0c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-lib.nar";
    AssignedPath app;
    app.info.path = app_path;
    app.info.deriver = "/nix/store/2c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-app.drv";
    app.info.references = {lib_path, app_path};
    app.info.nar_size = 99;
    app.info.nar_hash = nar_hash;
    app.info.ca = "fixed:r:sha256:abc";
    app.info.sigs = {"cache.example.org-1:c2lnbmF0dXJl"};
    app.file = "1c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-app.nar";
    assignment.paths = {lib, app};
    assignment.upload_limit = 1000;
    assignment.download_limit = 2000;
    assignment.peer_limit_while_fed = 1500;
    assignment.linger = std::chrono::seconds(120);
    assignment.keep_cache = true;
    assignment.relay_files = {"0c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-data.nar"};
    assignment.low_priority = true;
    return assignment;
}

// The plain assignment that encode()'s compressed line carries.
json plain_assignment(const Assignment& assignment) {
    const json line = json::parse(encode(assignment));
    const auto frame = shoal::util::base64::decode(line["data"].get<std::string>());
    REQUIRE(frame);
    return json::parse(shoal::io::zstd_decompress(*frame, max_controller_line, "the frame"));
}

// The line of an "assignment-zstd" that carries `plain` (or any bytes).
json compressed_line(std::string_view plain) {
    return {{"type", "assignment-zstd"},
            {"version", protocol_version},
            {"data", shoal::util::base64::encode(shoal::io::zstd_compress(plain))}};
}

std::string error_of(const json& message) {
    try {
        parse_assignment(message.dump());
    } catch (const ProtocolError& error) {
        return error.what();
    }
    return "accepted";
}

// The error message for the example assignment with one field replaced.
std::string error_with(const std::string& pointer, const json& value) {
    json message = plain_assignment(example_assignment());
    message[json::json_pointer(pointer)] = value;
    return error_of(message);
}

std::string error_without(const std::string& field) {
    json message = plain_assignment(example_assignment());
    message.erase(field);
    return error_of(message);
}

} // namespace

TEST_CASE("an assignment survives encoding and parsing unchanged") {
    const Assignment original = example_assignment();
    const std::string line = encode(original);
    CHECK(line.find('\n') == std::string::npos);
    const Assignment parsed = parse_assignment(line);
    CHECK(parsed.host == original.host);
    CHECK(parsed.torrent == original.torrent);
    CHECK(parsed.certificate.certificate_pem == original.certificate.certificate_pem);
    CHECK(parsed.certificate.private_key_pem == original.certificate.private_key_pem);
    CHECK(parsed.listen == original.listen);
    CHECK(parsed.staging == original.staging);
    REQUIRE(parsed.paths.size() == original.paths.size());
    for (std::size_t i = 0; i < parsed.paths.size(); ++i) {
        const shoal::nix::PathInfo& got = parsed.paths[i].info;
        const shoal::nix::PathInfo& sent = original.paths[i].info;
        CHECK(parsed.paths[i].file == original.paths[i].file);
        CHECK(got.path == sent.path);
        CHECK(got.deriver == sent.deriver);
        CHECK(got.references == sent.references);
        CHECK(got.nar_size == sent.nar_size);
        CHECK(got.nar_hash == sent.nar_hash);
        CHECK(got.ca == sent.ca);
        CHECK(got.sigs == sent.sigs);
    }
    CHECK(parsed.upload_limit == 1000);
    CHECK(parsed.download_limit == 2000);
    CHECK(parsed.peer_limit_while_fed == 1500);
    CHECK(parsed.linger == std::chrono::seconds(120));
    CHECK(parsed.keep_cache);
    CHECK(parsed.relay_files == original.relay_files);
    CHECK(parsed.low_priority);
}

TEST_CASE("the assignment's wire format is the documented one") {
    const json line = json::parse(encode(example_assignment()));
    CHECK(line.size() == 3);
    CHECK(line["type"] == "assignment-zstd");
    CHECK(line["version"] == 3);
    const json message = plain_assignment(example_assignment());
    CHECK(message["type"] == "assignment");
    CHECK(message["version"] == 3);
    CHECK(message["peer_limit_while_fed"] == 1500);
    CHECK(message["torrent"] == "ZDQ6aW5mbwD/");
    CHECK(message["listen"] == json{{"address", "10.0.1.11"}, {"port", 7400}});
    CHECK(message["paths"][1]["references"] == json{lib_path, app_path});
    CHECK(message["linger_seconds"] == 120);
}

TEST_CASE("commands survive encoding and parsing") {
    const Command connect = Connect{{{"10.0.1.12", 7400}, {"::1", 7401}}};
    const std::string line = encode(connect);
    CHECK(json::parse(line) ==
          json::parse(R"({"type":"connect","peers":[{"address":"10.0.1.12","port":7400},)"
                      R"({"address":"::1","port":7401}],"deployer":false})"));
    CHECK(std::get<Connect>(parse_command(line)).peers == std::get<Connect>(connect).peers);
    CHECK_FALSE(std::get<Connect>(parse_command(line)).deployer);
    const Command slice = Connect{{{"127.0.0.1", 40001}}, true};
    CHECK(std::get<Connect>(parse_command(encode(slice))).deployer);
    CHECK(encode(Command{Finish{}}) == R"({"type":"finish"})");
    CHECK(std::holds_alternative<Finish>(parse_command(R"({"type": "finish"})")));
}

TEST_CASE("events survive encoding and parsing") {
    CHECK(encode(Event{Ready{7400}}) == R"({"port":7400,"type":"ready"})");
    CHECK(std::get<Ready>(parse_event(encode(Event{Ready{7400}}))).port == 7400);

    const Progress progress{10, 20, 15, 30, 4};
    const Progress parsed = std::get<Progress>(parse_event(encode(Event{progress})));
    CHECK(parsed.downloaded == 10);
    CHECK(parsed.wanted == 20);
    CHECK(parsed.received == 15);
    CHECK(parsed.uploaded == 30);
    CHECK(parsed.peers == 4);

    CHECK(std::get<PathImported>(parse_event(encode(Event{PathImported{lib_path}}))).path ==
          lib_path);
    CHECK(std::holds_alternative<Complete>(parse_event(R"({"type":"complete"})")));
    CHECK(std::get<Failure>(parse_event(encode(Event{Failure{"disk full"}}))).message ==
          "disk full");
    const shoal::swarm::Endpoint liar{"10.0.0.7", 40123};
    CHECK(encode(Event{PeerBanned{liar}}) ==
          R"({"peer":{"address":"10.0.0.7","port":40123},"type":"peer-banned"})");
    CHECK(std::get<PeerBanned>(parse_event(encode(Event{PeerBanned{liar}}))).peer == liar);
}

TEST_CASE("every malformed assignment field is named in the error") {
    const std::pair<std::string, std::string> cases[] = {
        {error_with("/type", "connect"), "assignment: field 'type' must be \"assignment\""},
        {error_with("/version", 1),
         "assignment: field 'version' is 1, but this agent speaks version 3"},
        {error_with("/version", "1"), "assignment: field 'version' must be a non-negative integer"},
        {error_with("/host", ""), "assignment: field 'host' must not be empty"},
        {error_with("/torrent", "not base64!"), "assignment: field 'torrent' must be base64"},
        {error_with("/certificate", 5), "assignment: field 'certificate' must be a string"},
        {error_with("/listen/address", "web-01"),
         "assignment: field 'listen.address' must be a numeric IP address, not 'web-01'"},
        {error_with("/listen/port", 65536),
         "assignment: field 'listen.port' must be at most 65535"},
        {error_with("/listen/port", -1),
         "assignment: field 'listen.port' must be a non-negative integer"},
        {error_with("/listen/extra", 1), "assignment: field 'listen.extra' is unknown"},
        {error_with("/staging", "relative/dir"), "assignment: field 'staging' must be an absolute"},
        {error_with("/staging", "/"), "assignment: field 'staging' must be an absolute"},
        {error_with("/staging", "/var/tmp/../etc"),
         "assignment: field 'staging' must be an absolute"},
        {error_with("/paths", json::array()),
         "assignment: field 'paths' must list at least one path"},
        {error_with("/paths/1", "x"), "assignment: field 'paths[1]' must be an object"},
        {error_with("/paths/1/path", "/nix/store/short"),
         "assignment: field 'paths[1].path' is not a store path"},
        {error_with("/paths/0/file", "../etc/passwd"),
         "assignment: field 'paths[0].file' must be a plain file name, not '../etc/passwd'"},
        {error_with("/paths/0/file", "a/b"), "assignment: field 'paths[0].file' must be a plain"},
        {error_with("/paths/0/file", ".."), "assignment: field 'paths[0].file' must be a plain"},
        {error_with("/paths/1/file", example_assignment().paths[0].file),
         "assignment: field 'paths[1].file' repeats"},
        {error_with("/paths/1/path", lib_path), "assignment: field 'paths[1].path' repeats"},
        {error_with("/paths/1/deriver", "app.drv"),
         "assignment: field 'paths[1].deriver' is not a store path"},
        {error_with("/paths/1/references/1", "/tmp/x"),
         "assignment: field 'paths[1].references[1]' is not a store path"},
        {error_with("/paths/1/references", "x"),
         "assignment: field 'paths[1].references' must be an array of strings"},
        {error_with("/paths/1/nar_size", "123"),
         "assignment: field 'paths[1].nar_size' must be a non-negative integer"},
        {error_with("/paths/1/nar_size", 1.5),
         "assignment: field 'paths[1].nar_size' must be a non-negative integer"},
        {error_with("/paths/1/nar_hash", "md5:00"),
         "assignment: field 'paths[1].nar_hash' must be 'sha256:'"},
        {error_with("/paths/1/sigs/0", 7), "assignment: field 'paths[1].sigs[0]' must be a string"},
        {error_with("/upload_limit", -5),
         "assignment: field 'upload_limit' must be a non-negative integer"},
        {error_with("/linger_seconds", "2m"),
         "assignment: field 'linger_seconds' must be a non-negative integer"},
        {error_with("/keep_cache", "no"), "assignment: field 'keep_cache' must be true or false"},
        {error_with("/relay_files", json::array({"../x"})),
         "assignment: field 'relay_files[0]' must be a plain file name, not '../x'"},
        {error_with("/relay_files", json::array({"1c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-app.nar"})),
         "assignment: field 'relay_files[0]' repeats '1c7w9z3r6dz8rzm4y2bgxj0m7yk6s0zv-app.nar'"},
        {error_with("/surprise", 1), "assignment: field 'surprise' is unknown"},
        {error_without("private_key"), "assignment: field 'private_key' is missing"},
        {error_without("download_limit"), "assignment: field 'download_limit' is missing"},
        {error_without("peer_limit_while_fed"),
         "assignment: field 'peer_limit_while_fed' is missing"},
    };
    for (const auto& [error, expected] : cases) {
        CAPTURE(expected);
        CHECK(error.starts_with(expected));
    }
}

TEST_CASE("the plain assignment line is taken as well as the compressed one") {
    const json plain = plain_assignment(example_assignment());
    CHECK(parse_assignment(plain.dump()).host == "web-01");
    CHECK(parse_assignment(compressed_line(plain.dump()).dump()).host == "web-01");
}

TEST_CASE("a compressed assignment names what is wrong with it") {
    const std::string plain = plain_assignment(example_assignment()).dump();
    const std::string frame = shoal::io::zstd_compress(plain);
    const auto with = [&](const std::string& field, const json& value) {
        json line = compressed_line(plain);
        line[field] = value;
        return error_of(line);
    };
    const std::string bomb = shoal::io::zstd_compress(std::string(max_controller_line + 1, 'x'));
    const std::pair<std::string, std::string> cases[] = {
        {with("version", 2),
         "assignment-zstd: field 'version' is 2, but this agent speaks version 3"},
        {with("data", "not base64!"), "assignment-zstd: field 'data' must be base64"},
        {with("data", shoal::util::base64::encode(plain)),
         "assignment-zstd: field 'data' must be one zstd frame of a plain assignment: the frame "
         "is not a zstd frame"},
        {with("data", shoal::util::base64::encode(frame.substr(0, frame.size() - 3))),
         "assignment-zstd: field 'data' must be one zstd frame of a plain assignment: the frame "
         "is truncated or damaged"},
        {with("data", shoal::util::base64::encode(frame + "xyz")),
         "assignment-zstd: field 'data' must be one zstd frame of a plain assignment: the frame "
         "has 3 bytes after its zstd frame"},
        // Refused from its header, before 64 MiB are unpacked.
        {with("data", shoal::util::base64::encode(bomb)),
         "assignment-zstd: field 'data' must be one zstd frame of a plain assignment: the frame "
         "declares 67108865 bytes, more than the 67108864 allowed"},
        {with("extra", 1), "assignment-zstd: field 'extra' is unknown"},
        // What it carries is checked as a plain assignment, and must be one.
        {error_of(compressed_line("{not json")), "assignment (decompressed): not valid JSON"},
        {error_of(compressed_line(compressed_line(plain).dump())),
         "assignment: field 'type' must be \"assignment\""},
    };
    for (const auto& [error, expected] : cases) {
        CAPTURE(expected);
        CHECK(error.starts_with(expected));
    }
}

TEST_CASE("an assignment of many paths goes out at least 2.5 times smaller than plain") {
    Assignment assignment = example_assignment();
    assignment.paths.clear();
    // Store paths of random hashes, each referring to a few earlier ones, as in a real closure.
    std::mt19937 random(7);
    const std::string base32 = "0123456789abcdfghijklmnpqrsvwxyz";
    const auto random_base32 = [&](int length) {
        std::string text;
        for (int k = 0; k < length; ++k) {
            text += base32[random() % base32.size()];
        }
        return text;
    };
    for (int i = 0; i < 1000; ++i) {
        const std::string hash = random_base32(32);
        AssignedPath path;
        path.info.path = "/nix/store/" + hash + "-lib" + std::to_string(i % 40) + "-1.2.3";
        path.info.deriver = path.info.path + ".drv";
        for (int r = 0; r < 6 && r < i; ++r) {
            path.info.references.push_back(assignment.paths[random() % i].info.path);
        }
        std::sort(path.info.references.begin(), path.info.references.end());
        path.info.references.erase(
            std::unique(path.info.references.begin(), path.info.references.end()),
            path.info.references.end());
        path.info.nar_size = 4096 + random() % 100000;
        path.info.nar_hash = "sha256:" + random_base32(52);
        path.file = hash + ".nar.zst";
        assignment.paths.push_back(path);
    }
    const std::string line = encode(assignment);
    const std::size_t plain_size = plain_assignment(assignment).dump().size();
    CAPTURE(plain_size);
    CAPTURE(line.size());
    CHECK(line.size() * 5 < plain_size * 2);
    CHECK(parse_assignment(line).paths.size() == 1000);
}

TEST_CASE("lines that are no message at all are refused") {
    CHECK_THROWS_WITH_AS(parse_assignment("{not json"),
                         doctest::Contains("assignment: not valid JSON"), ProtocolError);
    CHECK_THROWS_WITH_AS(parse_assignment("[1]"), "assignment: expected a JSON object",
                         ProtocolError);
    CHECK_THROWS_WITH_AS(parse_command(R"({"type":"reboot"})"),
                         "command: unknown type 'reboot' (expected connect, finish or ban)",
                         ProtocolError);
    CHECK_THROWS_WITH_AS(parse_command(R"({"peers":[]})"),
                         "command: field 'type' is missing or not a string", ProtocolError);
    CHECK_THROWS_WITH_AS(
        parse_command(R"({"type":"connect","peers":[{"address":"10.0.0.1","port":0}]})"),
        "connect: field 'peers[0].port' must be at least 1", ProtocolError);
    CHECK_THROWS_WITH_AS(parse_command(R"({"type":"connect","peers":[]})"),
                         "connect: field 'deployer' is missing", ProtocolError);
    CHECK_THROWS_WITH_AS(parse_command(R"({"type":"finish","now":true})"),
                         "finish: field 'now' is unknown", ProtocolError);
    CHECK(std::get<Ban>(parse_command(encode(Command{Ban{"10.0.0.7"}}))).address == "10.0.0.7");
    CHECK_THROWS_WITH_AS(parse_command(R"({"type":"ban","address":"h2.example"})"),
                         "ban: field 'address' must be a numeric IP address, not 'h2.example'",
                         ProtocolError);
    CHECK_THROWS_WITH_AS(
        parse_event(R"({"type":"progress","downloaded":1,"wanted":2,"received":2,"uploaded":3})"),
        "progress: field 'peers' is missing", ProtocolError);
    CHECK_THROWS_WITH_AS(parse_event(R"({"type":"path-imported","path":"/etc"})"),
                         doctest::Contains("path-imported: field 'path' is not a store path"),
                         ProtocolError);
    CHECK_THROWS_WITH_AS(
        parse_event(R"({"type":"peer-banned","peer":{"address":"evil.example","port":1}})"),
        doctest::Contains("peer-banned: field 'peer.address' must be a numeric IP address"),
        ProtocolError);
    CHECK_THROWS_AS(parse_event(R"({"type":"hello"})"), ProtocolError);
}

TEST_CASE("a number JSON cannot hold is a protocol error, not a stray exception") {
    CHECK_THROWS_AS(parse_event(R"({"type":"progress","downloaded":1e400,"wanted":1,)"
                                R"("uploaded":0,"peers":0})"),
                    ProtocolError);
}

TEST_CASE("text that is not UTF-8 is sent with U+FFFD, not refused") {
    const auto line = encode(Event{Failure{"cannot read caf\xe9"}});
    CHECK(std::get<Failure>(parse_event(line)).message == "cannot read caf\xef\xbf\xbd");
}
