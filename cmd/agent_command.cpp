#include "agent/agent.hpp"
#include "general_options.hpp"

namespace shoal::cmd {

int run_agent(const std::vector<std::string>& args) {
    po::options_description options("Advanced options");
    options.add_options()("store", po::value<std::string>()->value_name("DIR"),
                          "import into the chroot Nix store DIR instead of /nix (for tests and "
                          "chroot stores)");
    po::variables_map values;
    if (!parse_command_line(args,
                            "shoal agent [--store DIR]\n\n"
                            "Started by `shoal push` on each target over SSH: reads its assignment "
                            "as JSON lines on stdin,\nreports as JSON lines on stdout "
                            "(docs/agent-protocol.md).",
                            options, {}, values)) {
        return 0;
    }
    agent::AgentOptions agent_options;
    if (values.count("store") != 0U) {
        agent_options.store_arguments = {"--store", values["store"].as<std::string>()};
    }
    return agent::run_agent(agent_options);
}

} // namespace shoal::cmd
