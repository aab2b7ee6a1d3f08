#include "nix/closure.hpp"
#include "util/error.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <string>
#include <unistd.h>

using shoal::nix::PathInfo;
namespace fs = std::filesystem;
namespace nix = shoal::nix;

namespace {

std::string store(const std::string& name) {
    return "/nix/store/kpcd173cq987hw957sx6m0868wv3x6d9-" + name;
}

PathInfo info(const std::string& name, std::vector<std::string> references) {
    PathInfo result;
    result.path = store(name);
    for (const auto& reference : references) {
        result.references.push_back(store(reference));
    }
    return result;
}

std::vector<std::string> names(const std::vector<PathInfo>& infos) {
    std::vector<std::string> result;
    for (const auto& i : infos) {
        result.push_back(i.path.substr(store("").size()));
    }
    return result;
}

// A temporary directory removed at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "shoal-closure-test.XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~TempDir() { fs::remove_all(path_); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

} // namespace

TEST_CASE("dependencies come first, ties by name") {
    const auto ordered = nix::topological_order({
        info("app", {"app", "lib", "data"}),
        info("top", {"app", "link"}),
        info("link", {"app"}),
        info("lib", {"libc"}),
        info("libc", {"libc"}),
        info("data", {}),
    });
    CHECK(names(ordered) == std::vector<std::string>{"data", "libc", "lib", "app", "link", "top"});
}

TEST_CASE("references outside the set are ignored") {
    CHECK(names(nix::topological_order({info("b", {"elsewhere"}), info("a", {"b"})})) ==
          std::vector<std::string>{"b", "a"});
    CHECK(nix::topological_order({}).empty());
}

TEST_CASE("a reference cycle is reported with its paths") {
    CHECK_THROWS_WITH_AS(nix::topological_order(
                             {info("a", {"b"}), info("b", {"c"}), info("c", {"a"}), info("d", {})}),
                         ("store paths reference each other in a cycle: " + store("a") + ", " +
                          store("b") + ", " + store("c"))
                             .c_str(),
                         shoal::util::Error);
}

TEST_CASE("user arguments resolve to store paths") {
    const auto top = store("top");
    CHECK(nix::resolve_store_path(top) == top);
    CHECK(nix::resolve_store_path(top + "/") == top);
    CHECK(nix::resolve_store_path(top + "/bin/tool") == top);
    CHECK(nix::resolve_store_path("/nix/store/../store/" + top.substr(11)) == top);

    TempDir dir;
    fs::create_symlink(top, dir.path() / "result");
    fs::create_symlink("result", dir.path() / "result-link");
    fs::create_symlink("loop", dir.path() / "loop");
    fs::create_directory(dir.path() / "plain");
    CHECK(nix::resolve_store_path((dir.path() / "result").string()) == top);
    CHECK(nix::resolve_store_path((dir.path() / "result-link").string()) == top);

    const auto rejects = [](const fs::path& path, const std::string& message) {
        CHECK_THROWS_WITH_AS(nix::resolve_store_path(path.string()), message.c_str(),
                             shoal::util::UsageError);
    };
    rejects(dir.path() / "plain",
            "'" + (dir.path() / "plain").string() +
                "' is not in the Nix store /nix/store and is not a symlink into it");
    rejects(dir.path() / "missing", "'" + (dir.path() / "missing").string() + "' does not exist");
    rejects(dir.path() / "loop", "'" + (dir.path() / "loop").string() +
                                     "': more than 40 symlinks without reaching the Nix store");
    rejects("/nix/store/not-a-store-path",
            "'/nix/store/not-a-store-path' is not a store path: expected "
            "/nix/store/<32-character hash>-<name>");
    rejects("", "empty path given where a store path was expected");
}
