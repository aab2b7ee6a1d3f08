// The serve client against a scripted server over in-memory streams: request
// framing and handling of malformed or cut-off replies. (The real nix-store
// is exercised by the integration tests.)
#include "nar_builder.hpp"
#include "nix/serve_connection.hpp"
#include "nix/wire.hpp"
#include "support/memory_streams.hpp"

#include <doctest/doctest.h>
#include <string>

using shoal::nix::PathInfo;
using shoal::nix::ServeConnection;
using shoal::nix::ServeError;
using namespace shoal::nix::test;
using namespace shoal::test;
namespace nix = shoal::nix;

namespace {

const std::string path_a = "/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-a";
const std::string path_b = "/nix/store/3jgzhjhz9zjvbb0kyj7jc500chkpcd17-b";
const std::string hash_a = "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";

std::string u64(std::uint64_t value) {
    StringSink sink;
    nix::write_u64(sink, value);
    return sink.text;
}

std::string strings(const std::vector<std::string>& texts) {
    StringSink sink;
    nix::write_strings(sink, texts);
    return sink.text;
}

const std::string handshake_reply = u64(0x5452eecb) + u64(0x207);
const std::string handshake_request = u64(0x390c9deb) + u64(0x205);

// A server whose replies are written in advance; what the client sent is in
// `sent`, and `remote_stderr` is what the server "wrote to stderr".
struct ScriptedServer {
    explicit ScriptedServer(const std::string& replies, std::string remote_stderr = {})
        : replies_(handshake_reply + replies, 3),
          connection(replies_, sent, [remote_stderr] { return remote_stderr; }) {
        connection.handshake();
        sent.text.erase(0, handshake_request.size());
    }

    StringSource replies_;
    StringSink sent;
    ServeConnection connection;
};

std::string path_info_reply(const std::string& path, const std::string& hash) {
    return tokens({path, ""}) + strings({path_b}) + u64(4096) + u64(4000) + tokens({hash, ""}) +
           strings({"cache:c2ln"});
}

} // namespace

TEST_CASE("handshake sends magic and version and checks the answer") {
    StringSource replies(handshake_reply);
    StringSink sent;
    ServeConnection connection(replies, sent, [] { return std::string(); });
    connection.handshake();
    CHECK(sent.text == handshake_request);
    CHECK(connection.remote_version() == 0x207);
}

TEST_CASE("handshake failures say why") {
    const auto handshake_error = [](const std::string& reply, const std::string& remote_stderr) {
        StringSource replies(reply);
        StringSink sent;
        ServeConnection connection(replies, sent, [&] { return remote_stderr; });
        try {
            connection.handshake();
        } catch (const ServeError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(handshake_error("", "bash: line 1: nix-store: command not found") ==
          "handshake: remote nix-store failed: bash: line 1: nix-store: command not found");
    CHECK(handshake_error("", "") ==
          "handshake: remote nix-store failed: connection closed (end of stream)");
    CHECK(handshake_error("Welcome!Welcome!", "") ==
          "handshake: malformed reply from nix-store: expected magic 0x5452eecb, got "
          "0x21656d6f636c6557: is the remote program 'nix-store --serve'?");
    CHECK(handshake_error(u64(0x5452eecb) + u64(0x204), "") ==
          "handshake: malformed reply from nix-store: unsupported serve protocol version 0x204 "
          "(need 0x205 or a later 0x2xx)");
    CHECK(handshake_error(u64(0x5452eecb) + u64(0x307), "").find("version 0x307") !=
          std::string::npos);
    CHECK(handshake_error(u64(0x5452eecb) + u64(0x10207), "").find("version 0x10207") !=
          std::string::npos);
}

TEST_CASE("QueryValidPaths sends lock, substitute and the paths") {
    ScriptedServer server(strings({path_a}));
    CHECK(server.connection.query_valid_paths({path_a, path_b}, true, false) ==
          std::set<std::string>{path_a});
    CHECK(server.sent.text == u64(1) + u64(1) + u64(0) + strings({path_b, path_a}));
}

TEST_CASE("QueryPathInfos reads every field and skips unknown paths") {
    ScriptedServer server(path_info_reply(path_a, hash_a) + tokens({""}));
    const auto infos = server.connection.query_path_infos({path_a, path_b});
    CHECK(server.sent.text == u64(2) + strings({path_b, path_a}));
    REQUIRE(infos.size() == 1);
    CHECK(infos[0].path == path_a);
    CHECK(infos[0].deriver.empty());
    CHECK(infos[0].references == std::vector<std::string>{path_b});
    CHECK(infos[0].download_size == 4096);
    CHECK(infos[0].nar_size == 4000);
    CHECK(infos[0].nar_hash == hash_a);
    CHECK(infos[0].ca.empty());
    CHECK(infos[0].sigs == std::vector<std::string>{"cache:c2ln"});
}

TEST_CASE("malformed path infos are refused") {
    const auto error = [](const std::string& reply) {
        ScriptedServer server(reply);
        try {
            server.connection.query_path_infos({path_a});
        } catch (const ServeError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(error(path_info_reply(path_a, "md5:abc") + tokens({""})) ==
          "QueryPathInfos: malformed reply from nix-store: NAR hash of " + path_a +
              " is 'md5:abc', not sha256:<nixbase32>");
    CHECK(error(path_info_reply(path_b, hash_a)) ==
          "QueryPathInfos: malformed reply from nix-store: info for '" + path_b +
              "', which was not asked for");
    CHECK(error(path_info_reply(path_a, hash_a) + path_info_reply(path_a, hash_a)) ==
          "QueryPathInfos: malformed reply from nix-store: more path infos than paths asked for");
    CHECK(error(tokens({path_a, "/etc/passwd"})) ==
          "QueryPathInfos: malformed reply from nix-store: deriver of " + path_a +
              ": '/etc/passwd' is not in the Nix store /nix/store");
    CHECK(error(tokens({path_a, ""}) + u64(1u << 30)) ==
          "QueryPathInfos: malformed reply from nix-store: 1073741824 references of " + path_a +
              " announced, more than the 1048576 allowed");
    const auto cut = path_info_reply(path_a, hash_a);
    CHECK(error(cut.substr(0, cut.size() - 5)) ==
          "QueryPathInfos: remote nix-store failed: connection closed (end of stream)");
}

TEST_CASE("every length and count in a reply is bounded before anything is allocated") {
    SUBCASE("QueryPathInfos") {
        const std::string prefix = "QueryPathInfos: malformed reply from nix-store: ";
        const auto error = [](const std::string& reply) {
            ScriptedServer server(reply);
            try {
                server.connection.query_path_infos({path_a});
            } catch (const ServeError& e) {
                return std::string(e.what());
            }
            return std::string("no error");
        };
        // Only the length is sent: a reader that allocated it would wait for
        // the bytes, and the server hangs up instead.
        CHECK(error(u64(std::uint64_t{1} << 60)) ==
              prefix + "path of path info is 1152921504606846976 bytes long, more than the 255 "
                       "allowed");
        // Longer than any store path: Nix caps names at 211 characters.
        CHECK(error(u64(256)) ==
              prefix + "path of path info is 256 bytes long, more than the 255 allowed");
        const std::string head = tokens({path_a, ""}) + strings({path_b}) + u64(4096) + u64(4000);
        CHECK(error(head + u64(129)) ==
              prefix + "NAR hash of " + path_a + " is 129 bytes long, more than the 128 allowed");
        const std::string hashed = head + tokens({hash_a});
        CHECK(error(hashed + u64(1025)) == prefix + "content address of " + path_a +
                                               " is 1025 bytes long, more than the 1024 allowed");
        CHECK(error(hashed + tokens({""}) + u64(257)) ==
              prefix + "257 signatures of " + path_a + " announced, more than the 256 allowed");
        CHECK(error(hashed + tokens({""}) + u64(1) + u64(1025)) ==
              prefix + "signatures of " + path_a +
                  " #1 is 1025 bytes long, more than the 1024 allowed");
    }
    SUBCASE("QueryValidPaths answers with no more paths than were asked about") {
        ScriptedServer server(strings({path_a, path_b}));
        CHECK_THROWS_WITH_AS(server.connection.query_valid_paths({path_a}, false, false),
                             "QueryValidPaths: malformed reply from nix-store: 2 valid paths "
                             "announced, more than the 1 allowed",
                             ServeError);
    }
    SUBCASE("QueryClosure") {
        ScriptedServer server(u64(std::uint64_t{1} << 40));
        CHECK_THROWS_WITH_AS(server.connection.query_closure({path_a}, false),
                             "QueryClosure: malformed reply from nix-store: 1099511627776 closure "
                             "paths announced, more than the 1048576 allowed",
                             ServeError);
    }
}

TEST_CASE("QueryClosure sends includeOutputs and checks the paths") {
    ScriptedServer server(strings({path_a, path_b}) + strings({"not-a-path"}));
    CHECK(server.connection.query_closure({path_a}, false) ==
          std::set<std::string>{path_a, path_b});
    CHECK(server.sent.text == u64(7) + u64(0) + strings({path_a}));
    CHECK_THROWS_WITH_AS(server.connection.query_closure({path_a}, true),
                         "QueryClosure: malformed reply from nix-store: closure paths: "
                         "'not-a-path' is not in the Nix store /nix/store",
                         ServeError);
}

TEST_CASE("DumpStorePath finds the end of the NAR and keeps the stream in step") {
    const auto bytes = nar(directory_node({{"f", regular_node("contents", true)}}));
    ScriptedServer server(bytes + strings({path_a}));
    StringSink nar_sink;
    CHECK(server.connection.dump_store_path(path_a, nar_sink) == bytes.size());
    CHECK(nar_sink.text == bytes);
    CHECK(server.sent.text == u64(3) + tokens({path_a}));
    CHECK(server.connection.query_valid_paths({path_a}, false, false) ==
          std::set<std::string>{path_a});
}

TEST_CASE("a remote failure quotes its stderr and ends the connection") {
    ScriptedServer server(tokens({"nix-archive-1"}), "error: path '" + path_a + "' is not valid");
    StringSink nar_sink;
    CHECK_THROWS_WITH_AS(
        server.connection.dump_store_path(path_a, nar_sink),
        ("DumpStorePath: remote nix-store failed: error: path '" + path_a + "' is not valid")
            .c_str(),
        ServeError);
    CHECK_THROWS_WITH_AS(server.connection.query_valid_paths({path_a}, false, false),
                         "QueryValidPaths: connection unusable after the failed DumpStorePath",
                         ServeError);
}

TEST_CASE("a malformed NAR from the server is refused") {
    ScriptedServer server(tokens({"nix-archive-1", "(", "type", "socket"}));
    StringSink nar_sink;
    CHECK_THROWS_WITH_AS(
        server.connection.dump_store_path(path_a, nar_sink),
        ("DumpStorePath of " + path_a + ": malformed NAR at byte 56: unknown node type 'socket'")
            .c_str(),
        ServeError);
}

TEST_CASE("AddToStoreNar sends the fields in Nix 2.8's order, then the NAR") {
    const auto bytes = nar(regular_node("hello\n"));
    PathInfo info;
    info.path = path_a;
    info.deriver = path_b + ".drv";
    info.references = {path_b};
    info.nar_size = bytes.size();
    info.nar_hash = hash_a;
    info.sigs = {"cache:c2ln"};
    ScriptedServer server(u64(1) + u64(0));
    StringSource nar_source(bytes, 7);
    const auto add = [&](StringSource& nar_bytes) {
        server.connection.send_add_to_store_nar(info, nar_bytes);
        server.connection.take_add_to_store_nar_reply();
    };
    add(nar_source);
    CHECK(server.sent.text == u64(9) + tokens({path_a, path_b + ".drv", hash_a}) +
                                  strings({path_b}) + u64(0) + u64(bytes.size()) + u64(0) +
                                  strings({"cache:c2ln"}) + tokens({""}) + bytes);

    StringSource again(bytes);
    const auto refused = "AddToStoreNar: malformed reply from nix-store: expected result 1 after "
                         "importing " +
                         path_a + ", got 0";
    CHECK_THROWS_WITH_AS(add(again), refused.c_str(), ServeError);
}

TEST_CASE("AddToStoreNar in two halves: imports sent ahead, replies taken in order") {
    const auto bytes = nar(regular_node("hello\n"));
    PathInfo first;
    first.path = path_a;
    first.nar_size = bytes.size();
    first.nar_hash = hash_a;
    PathInfo second = first;
    second.path = path_b;
    const auto request = [&](const PathInfo& info) {
        return u64(9) + tokens({info.path, "", hash_a}) + strings({}) + u64(0) + u64(bytes.size()) +
               u64(0) + strings({}) + tokens({""}) + bytes;
    };
    ScriptedServer server(u64(1) + u64(0));
    StringSource first_nar(bytes);
    StringSource second_nar(bytes);
    server.connection.send_add_to_store_nar(first, first_nar);
    server.connection.send_add_to_store_nar(second, second_nar);
    // Both requests went out before either reply was read.
    CHECK(server.sent.text == request(first) + request(second));
    CHECK(server.connection.imports_awaiting_reply() == 2);
    CHECK_THROWS_WITH_AS(server.connection.query_closure({path_a}, false),
                         "QueryClosure: 2 imports still await their replies", ServeError);

    server.connection.take_add_to_store_nar_reply();
    CHECK(server.connection.imports_awaiting_reply() == 1);
    // The second reply refuses: the message names the second path, not the first.
    CHECK_THROWS_WITH_AS(server.connection.take_add_to_store_nar_reply(),
                         ("AddToStoreNar: malformed reply from nix-store: expected result 1 "
                          "after importing " +
                          path_b + ", got 0")
                             .c_str(),
                         ServeError);
}

TEST_CASE("an AddToStoreNar reply taken when none is due is an error, not a read") {
    ScriptedServer server(u64(1));
    CHECK_THROWS_WITH_AS(server.connection.take_add_to_store_nar_reply(),
                         "AddToStoreNar: no import awaits its reply", ServeError);
}

TEST_CASE("AddToStoreNar refuses a NAR of the wrong size") {
    PathInfo info;
    info.path = path_a;
    info.nar_size = 10;
    info.nar_hash = hash_a;
    SUBCASE("too long") {
        ScriptedServer server(u64(1));
        CHECK_THROWS_WITH_AS(
            server.connection.add_to_store_nar(
                info, [](shoal::io::Sink& sink) { sink.write(std::string_view("0123456789+")); }),
            ("AddToStoreNar: the NAR of " + path_a +
             " is longer than its declared size of 10 "
             "bytes")
                .c_str(),
            ServeError);
    }
    SUBCASE("too short") {
        ScriptedServer server(u64(1));
        CHECK_THROWS_WITH_AS(
            server.connection.add_to_store_nar(
                info, [](shoal::io::Sink& sink) { sink.write(std::string_view("01234")); }),
            ("AddToStoreNar: the NAR of " + path_a + " has 5 bytes, not the 10 declared").c_str(),
            ServeError);
        CHECK_THROWS_WITH_AS(server.connection.query_closure({path_a}, false),
                             "QueryClosure: connection unusable after the failed AddToStoreNar",
                             ServeError);
    }
    SUBCASE("source ends early") {
        ScriptedServer server(u64(1));
        StringSource nar_source("01234");
        CHECK_THROWS_AS(server.connection.send_add_to_store_nar(info, nar_source),
                        shoal::io::EndOfStream);
    }
}
