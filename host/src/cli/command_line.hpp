// What every command does with its arguments and its failures: options with positionals and a
// --help, the exit code a diagnostic list means, and printing it (text or one JSON document).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "ferry/sdk/diagnostic.hpp"

namespace ferry::host {

// Parses a command's options with positionals; returns -1 to go on, else an exit code (0 after
// printing --help, 2 when one of the first `required` positionals is missing).
int parse_command(const Args& args, boost::program_options::options_description& opts,
                  const std::vector<std::string>& positional, boost::program_options::variables_map& vm,
                  const std::string& about, std::size_t required = SIZE_MAX);

// The value of an option or positional, empty when absent.
std::string option(const boost::program_options::variables_map& vm, const char* key);

// Config errors and bad usage exit 2; everything else 1.
int exit_code_for(const sdk::Diagnostics& diags);

// Prints the diagnostics (stderr, or {"ok": false, "diagnostics": [...]} on stdout) and returns
// exit_code_for() them.
int fail_with(const sdk::Diagnostics& diags, bool as_json);

}  // namespace ferry::host
