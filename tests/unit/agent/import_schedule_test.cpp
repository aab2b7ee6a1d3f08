#include "agent/import_schedule.hpp"

#include <doctest/doctest.h>

using shoal::agent::AssignedPath;
using shoal::agent::ImportSchedule;

namespace {

std::string store_path(const std::string& name) {
    return "/nix/store/" + std::string(32, 'a' + static_cast<char>(name.size() % 20)) + "-" + name;
}

AssignedPath assigned(const std::string& name, const std::vector<std::string>& references = {}) {
    AssignedPath path;
    path.info.path = store_path(name);
    for (const std::string& reference : references) {
        path.info.references.push_back(store_path(reference));
    }
    path.file = name + ".nar";
    return path;
}

std::vector<std::string> names(const std::vector<AssignedPath>& paths) {
    std::vector<std::string> result;
    for (const AssignedPath& path : paths) {
        result.push_back(path.file);
    }
    return result;
}

// Imports everything the schedule hands out, as the agent's importer does.
std::vector<std::string> import_all(ImportSchedule& schedule, const std::set<std::string>& files) {
    const std::vector<AssignedPath> batch = schedule.take_importable(files);
    for (const AssignedPath& path : batch) {
        schedule.mark_imported(path.info.path);
    }
    return names(batch);
}

} // namespace

TEST_CASE("a dependency chain is imported as its files arrive, dependencies first") {
    // Listed top first on purpose: the order comes from the references.
    ImportSchedule schedule(
        {assigned("app", {"lib", "app"}), assigned("lib", {"libc"}), assigned("libc")}, {});
    CHECK(schedule.files_to_download() == std::set<std::string>{"app.nar", "lib.nar", "libc.nar"});
    CHECK(import_all(schedule, {"app.nar", "lib.nar"}).empty());
    CHECK(import_all(schedule, {"app.nar", "lib.nar", "libc.nar"}) ==
          std::vector<std::string>{"libc.nar", "lib.nar", "app.nar"});
    CHECK(schedule.all_valid());
}

TEST_CASE("a path waits until a reference taken in an earlier batch is imported") {
    ImportSchedule schedule({assigned("libc"), assigned("lib", {"libc"})}, {});
    const auto first = schedule.take_importable({"libc.nar"});
    CHECK(names(first) == std::vector<std::string>{"libc.nar"});
    // libc is on its way into the store: lib may follow it in the queue.
    CHECK(names(schedule.take_importable({"libc.nar", "lib.nar"})) ==
          std::vector<std::string>{"lib.nar"});
    CHECK_FALSE(schedule.all_valid());
    schedule.mark_imported(store_path("libc"));
    schedule.mark_imported(store_path("lib"));
    CHECK(schedule.all_valid());
}

TEST_CASE("a diamond imports its top only after both sides") {
    ImportSchedule schedule({assigned("base"), assigned("left", {"base"}),
                             assigned("right", {"base"}), assigned("top", {"left", "right"})},
                            {});
    CHECK(import_all(schedule, {"base.nar", "left.nar", "top.nar"}) ==
          std::vector<std::string>{"base.nar", "left.nar"});
    CHECK(import_all(schedule, {"base.nar", "left.nar", "top.nar", "right.nar"}) ==
          std::vector<std::string>{"right.nar", "top.nar"});
    CHECK(schedule.all_valid());
}

TEST_CASE("paths already in the store are neither downloaded nor imported") {
    // libc is valid but not assigned; lib is assigned and valid already.
    ImportSchedule schedule({assigned("lib", {"libc"}), assigned("app", {"lib"})},
                            {store_path("libc"), store_path("lib")});
    CHECK(schedule.files_to_download() == std::set<std::string>{"app.nar"});
    CHECK_FALSE(schedule.all_valid());
    CHECK(import_all(schedule, {"app.nar", "lib.nar"}) == std::vector<std::string>{"app.nar"});
    CHECK(schedule.all_valid());
}

TEST_CASE("a path whose reference nobody provides is never imported, and says why") {
    ImportSchedule schedule(
        {assigned("lib", {"ghost"}), assigned("app", {"lib"}), assigned("tool")}, {});
    CHECK(import_all(schedule, {"lib.nar", "app.nar", "tool.nar"}) ==
          std::vector<std::string>{"tool.nar"});
    CHECK(import_all(schedule, {"lib.nar", "app.nar", "tool.nar"}).empty());
    CHECK_FALSE(schedule.all_valid());
    CHECK(schedule.unimportable() ==
          std::vector<std::string>{store_path("lib") + " (needs " + store_path("ghost") + ")",
                                   store_path("app") + " (needs " + store_path("lib") + ")"});
}

TEST_CASE("an empty assignment is complete from the start") {
    ImportSchedule schedule({}, {});
    CHECK(schedule.all_valid());
    CHECK(schedule.files_to_download().empty());
}

TEST_CASE("files given one at a time, in any order, import every path once, references first") {
    // A shallow DAG of 300 paths: each references up to 3 earlier ones.
    std::vector<AssignedPath> paths;
    std::uint32_t seed = 12345;
    const auto next = [&seed] { return seed = seed * 1103515245U + 12345U; };
    for (int i = 0; i < 300; ++i) {
        std::vector<std::string> references;
        for (int r = 0; i > 0 && r < 3; ++r) {
            references.push_back("p" + std::to_string(next() % static_cast<std::uint32_t>(i)));
        }
        paths.push_back(assigned("p" + std::to_string(i), references));
    }
    std::vector<std::string> files;
    for (const auto& path : paths) {
        files.push_back(path.file);
    }
    for (std::size_t i = files.size(); i > 1; --i) {
        std::swap(files[i - 1], files[next() % i]);
    }
    ImportSchedule schedule(paths, {});
    std::set<std::string> imported;
    for (const std::string& file : files) {
        // Only the newly complete file: the schedule remembers the others.
        for (const AssignedPath& path : schedule.take_importable({file})) {
            for (const std::string& reference : path.info.references) {
                CHECK((reference == path.info.path || imported.contains(reference)));
            }
            CHECK(imported.insert(path.info.path).second);
            schedule.mark_imported(path.info.path);
        }
    }
    CHECK(imported.size() == paths.size());
    CHECK(schedule.all_valid());
}
