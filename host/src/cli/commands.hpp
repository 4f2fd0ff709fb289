// One function per command; each parses its own options and returns an exit code.
#pragma once

#include <string>
#include <vector>

#include "cli/app.hpp"

namespace ferry::host {

using Args = std::vector<std::string>;

int cmd_plugins(App& app, const Args& args);
int cmd_check(App& app, const Args& args);
int cmd_convert(App& app, const Args& args);
int cmd_preview(App& app, const Args& args);
int cmd_plan(App& app, const Args& args);
int cmd_import(App& app, const Args& args);
int cmd_reimport(App& app, const Args& args);
int cmd_tasks(App& app, const Args& args);
int cmd_task(App& app, const Args& args);
int cmd_report(App& app, const Args& args);
int cmd_objects(App& app, const Args& args);
int cmd_show(App& app, const Args& args);
int cmd_serve(App& app, const Args& args);
int cmd_queue(App& app, const Args& args);
int cmd_worker(App& app, const Args& args);
int cmd_unlock(App& app, const Args& args);
int cmd_export(App& app, const Args& args);

}  // namespace ferry::host
