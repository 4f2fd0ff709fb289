#include "task_mapping.hpp"

#include <algorithm>
#include <cctype>

#include "ascii_text.hpp"
#include "ds_codes.hpp"
#include "ferry/cloud/redact.hpp"
#include "json_fields.hpp"

namespace ferry::reader::ds {

namespace {

// A shell word: single-quoted unless it is plain.
std::string shell_word(const std::string& s) {
    if (s.empty()) return s;  // nothing to pass: add_words leaves it out
    const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == '=' || c == ',';
    });
    if (plain) return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

void add_words(std::string& line, std::initializer_list<std::string> words) {
    for (const auto& w : words) {
        if (w.empty()) continue;
        line += (line.empty() ? "" : " ") + w;
    }
}

// The database a SQL or PROCEDURE task runs on, as a DataWorks command and data source type.
struct SqlTarget {
    const char* dolphin;
    const char* command;
    const char* datasource_type;
};
constexpr SqlTarget kSqlTargets[] = {
    {"MYSQL", "MYSQL", "mysql"},
    {"POSTGRESQL", "POSTGRESQL", "postgresql"},
    {"HIVE", "EMR_HIVE", "emr"},            // Hive runs on an EMR cluster in DataWorks
    {"SPARK", "EMR_SPARK_SQL", "emr"},      // SQL on Spark (its Thrift server): Spark SQL, not spark-submit
    {"CLICKHOUSE", "CLICK_SQL", "clickhouse"},
    {"ORACLE", "Oracle", "oracle"},
    {"SQLSERVER", "SQLSERVER", "sqlserver"},
    {"AZURESQL", "SQLSERVER", "sqlserver"}, // Azure SQL speaks SQL Server's T-SQL
    {"DB2", "DB2", "db2"},
    {"PRESTO", "EMR_PRESTO", "emr"},
    {"TRINO", "EMR_TRINO", "emr"},
    {"KYUUBI", "EMR_KYUUBI", "emr"},
    {"STARROCKS", "StarRocks", "starrocks"},
    {"DORIS", "Doris", "doris"},
    {"REDSHIFT", "Redshift", "redshift"},
    {"VERTICA", "Vertica", "vertica"},
    {"OCEANBASE", "OceanBase", "oceanbase"},
    {"HANA", "Saphana", "saphana"},
};

const SqlTarget* sql_target(const std::string& db_type) {
    const std::string t = upper(db_type);
    for (const auto& s : kSqlTargets)
        if (t == s.dolphin) return &s;
    return nullptr;
}

class TaskMapper {
  public:
    TaskMapper(const Task& task, const Lookups& lookups) : t_(task), p_(task.params), l_(lookups) {}

    NodeCode run() {
        const std::string type = upper(t_.type);
        if (type == "SHELL") shell("DIDE_SHELL", text_at(p_, "rawScript"));
        else if (type == "PYTHON") script("PYTHON", "python", text_at(p_, "rawScript"));
        else if (type == "SQL") sql(text_at(p_, "sql"), true);
        else if (type == "PROCEDURE") sql(text_at(p_, "method"), false);
        else if (type == "SPARK") spark();
        else if (type == "MR") mapreduce();
        else if (type == "FLINK" || type == "FLINK_STREAM") flink(type == "FLINK_STREAM");
        else if (type == "HIVECLI") hive_cli();
        else if (type == "SQOOP") sqoop();
        else if (type == "DATAX") datax();
        else if (type == "HTTP") http();
        else if (type == "REMOTESHELL") remote_shell();
        else unmapped();
        return std::move(n_);
    }

  private:
    void note(sdk::Severity s, const char* code, std::string message) { n_.notes.push_back({s, code, std::move(message)}); }

    // The task's resources (resourceList, mainJar), as node file resources; their names.
    std::vector<std::string> resources(const json& extra_main = json()) {
        std::vector<std::string> names;
        auto add = [&](const json& ref) {
            const std::string name = resource_name(ref, l_);
            if (name.empty() || std::find(names.begin(), names.end(), name) != names.end()) return;
            names.push_back(name);
            if (!l_.resource_names.count(name))
                note(sdk::Severity::warning, code::kResource,
                     "uses resource '" + name + "', which the export does not hold: upload it to DataWorks");
            n_.file_resources.push_back({{"name", name}, {"type", resource_type(name)}});
        };
        if (!extra_main.is_null()) add(extra_main);
        const json& list = at(p_, "resourceList");
        if (list.is_array())
            for (const auto& r : list) add(r);
        return names;
    }

    // DataWorks makes a resource available to a node's code by a reference line at its top.
    static std::string with_references(const std::vector<std::string>& names, const std::string& code) {
        std::string head;
        for (const auto& n : names) head += "##@resource_reference{\"" + n + "\"}\n";
        return head + code;
    }

    void script(const char* command, const char* language, const std::string& code) {
        n_.command = command;
        n_.language = language;
        n_.code = with_references(resources(), code);
    }
    void shell(const char* command, const std::string& code) { script(command, "shell", code); }

    void datasource(const std::string& id, const std::string& type, const std::string& name_hint = {}) {
        std::string name;
        if (auto it = l_.datasource_name.find(id); it != l_.datasource_name.end()) name = it->second;
        if (name.empty()) name = name_hint;
        if (name.empty()) {
            name = "dolphinscheduler_datasource_" + (id.empty() ? std::string("unknown") : id);
            note(sdk::Severity::warning, code::kDatasource,
                 "uses data source id " + (id.empty() ? std::string("(none)") : id) +
                     ", which the export does not describe: the node names it '" + name +
                     "'; map that name in the Engine Instance Mapping");
        }
        n_.datasource = {{"name", name}, {"type", type}};
    }

    static std::string statement(std::string s) {
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
        if (!s.empty() && s.back() != ';') s += ';';
        return s;
    }

    void sql(const std::string& body, bool with_statements) {
        const std::string db = text_at(p_, "type");
        const SqlTarget* target = sql_target(db);
        // Pre- and post-statements run in the task's own session: one script keeps that.
        std::string code = body;
        const json& pre = at(p_, "preStatements");
        const json& post = at(p_, "postStatements");
        const bool around = with_statements && ((pre.is_array() && !pre.empty()) || (post.is_array() && !post.empty()));
        if (around) {
            code.clear();
            if (pre.is_array())
                for (const auto& s : pre) code += statement(text(s)) + "\n";
            code += post.is_array() && !post.empty() ? statement(body) : body;
            if (post.is_array())
                for (const auto& s : post) code += "\n" + statement(text(s));
        }
        n_.code = code;
        n_.language = "sql";
        if (!target) {
            n_.command = "CUSTOM";
            note(sdk::Severity::warning, code::kSqlType,
                 "runs on database type '" + db +
                     "', which no DataWorks command runs: it becomes a CUSTOM node with its SQL; rebuild it in "
                     "DataWorks");
        } else {
            n_.command = target->command;
        }
        datasource(text_at(p_, "datasource"), target ? target->datasource_type : lower(db), text_at(p_, "datasourceName"));
        // The UDFs it declares: the functions of the export it uses.
        const json udfs = at(p_, "udfs");
        std::string ids = text(udfs);
        if (udfs.is_array()) {
            ids.clear();
            for (const auto& u : udfs) ids += (ids.empty() ? "" : ",") + text(u);
        }
        std::size_t from = 0;
        while (from < ids.size()) {
            auto comma = ids.find(',', from);
            if (comma == std::string::npos) comma = ids.size();
            std::string id = ids.substr(from, comma - from);
            id.erase(0, id.find_first_not_of(' '));
            id.erase(id.find_last_not_of(' ') + 1);
            from = comma + 1;
            if (id.empty()) continue;
            if (auto it = l_.udf_name.find(id); it != l_.udf_name.end()) n_.functions.push_back({{"name", it->second}});
            else
                note(sdk::Severity::warning, code::kFunction,
                     "uses UDF id " + id + ", which the export does not describe: the node declares no function for "
                     "it; export the UDF with the project, or create the function in DataWorks");
        }
        if (truthy(at(p_, "sendEmail")))
            note(sdk::Severity::warning, code::kTaskType,
                 "mails its query result, which DataWorks' SQL nodes do not: set up a DataWorks alert or data "
                 "push instead");
    }

    // Command-line options from the task's fields: (flag, field), left out when unset or 0.
    void options(std::string& line, std::initializer_list<std::pair<const char*, const char*>> flags) const {
        for (const auto& [flag, key] : flags) {
            const std::string v = text_at(p_, key);
            if (!v.empty() && v != "0") add_words(line, {flag, shell_word(v)});
        }
    }

    // The main jar or file of SPARK, MR and FLINK tasks.
    std::string main_resource() {
        const json& main = at(p_, "mainJar");
        if (!main.is_object() || main.empty()) return {};
        // 1.3 names the main jar by id only; the task's resource list may name that id.
        const std::string id = text_at(main, "id");
        const json& list = at(p_, "resourceList");
        if (!id.empty() && !l_.resource_by_id.count(id) && list.is_array())
            for (const auto& r : list)
                if (text_at(r, "id") == id) return resource_name(r, l_);
        return resource_name(main, l_);
    }

    void spark() {
        const std::string program = upper(text_at(p_, "programType"));
        if (program == "SQL") {
            n_.command = "EMR_SPARK_SQL";
            n_.language = "sql";
            n_.code = with_references(resources(), text_at(p_, "rawScript"));
            return;
        }
        const std::string main = main_resource();
        const auto refs = resources(main.empty() ? json() : json{{"resourceName", main}});
        std::string line = "spark-submit";
        if (program != "PYTHON" && !text_at(p_, "mainClass").empty())
            add_words(line, {"--class", shell_word(text_at(p_, "mainClass"))});
        const std::string mode = text_at(p_, "deployMode");
        if (mode == "local") add_words(line, {"--master", "local"});
        else add_words(line, {"--master", "yarn", "--deploy-mode", mode.empty() ? "cluster" : mode});
        options(line, {{"--driver-cores", "driverCores"}, {"--driver-memory", "driverMemory"},
                       {"--num-executors", "numExecutors"}, {"--executor-cores", "executorCores"},
                       {"--executor-memory", "executorMemory"}, {"--name", "appName"}, {"--queue", "yarnQueue"}});
        add_words(line, {text_at(p_, "others"), shell_word(main), text_at(p_, "mainArgs")});
        n_.command = "EMR_SPARK";
        n_.language = "shell";
        n_.code = with_references(refs, line);
        if (main.empty())
            note(sdk::Severity::warning, code::kResource, "names no main jar or file: the spark-submit line has none");
    }

    void mapreduce() {
        const std::string main = main_resource();
        const auto refs = resources(main.empty() ? json() : json{{"resourceName", main}});
        std::string line;
        add_words(line, {shell_word(main), shell_word(text_at(p_, "mainClass"))});
        if (!text_at(p_, "appName").empty()) add_words(line, {"-D", shell_word("mapreduce.job.name=" + text_at(p_, "appName"))});
        if (!text_at(p_, "yarnQueue").empty()) add_words(line, {"-D", shell_word("mapreduce.job.queuename=" + text_at(p_, "yarnQueue"))});
        add_words(line, {text_at(p_, "others"), text_at(p_, "mainArgs")});
        n_.command = "EMR_MR";
        n_.language = "shell";
        n_.code = with_references(refs, line);
        if (main.empty()) note(sdk::Severity::warning, code::kResource, "names no main jar: the job line has none");
    }

    void flink(bool stream) {
        const std::string program = upper(text_at(p_, "programType"));
        if (program == "SQL") {
            n_.command = stream ? "FLINK_SQL_STREAM" : "FLINK_SQL_BATCH";
            n_.language = "sql";
            const std::string init = text_at(p_, "initScript");
            n_.code = init.empty() ? text_at(p_, "rawScript") : statement(init) + "\n" + text_at(p_, "rawScript");
            resources();
            return;
        }
        // A Flink jar runs as `flink run` on the EMR cluster: DataWorks' Flink nodes take SQL only.
        const std::string main = main_resource();
        const auto refs = resources(main.empty() ? json() : json{{"resourceName", main}});
        std::string line = "flink run";
        const std::string mode = text_at(p_, "deployMode");
        if (mode != "local") add_words(line, {"-m", "yarn-cluster"});
        options(line, {{"-ynm", "appName"}, {"-yjm", "jobManagerMemory"}, {"-ytm", "taskManagerMemory"}, {"-ys", "slot"},
                       {"-yqu", "yarnQueue"}, {"-p", "parallelism"}});
        if (program != "PYTHON") options(line, {{"-c", "mainClass"}});
        add_words(line, {text_at(p_, "others"), main.empty() ? "" : (program == "PYTHON" ? "-py " : "") + shell_word(main),
                         text_at(p_, "mainArgs")});
        n_.command = "EMR_SHELL";
        n_.language = "shell";
        n_.code = with_references(refs, line);
        note(sdk::Severity::info, code::kTaskType,
             std::string("runs a Flink ") + (program.empty() ? "jar" : lower(program)) +
                 " program: it becomes an EMR Shell node running `flink run` (DataWorks' Flink nodes run SQL only)");
    }

    void hive_cli() {
        const std::string mode = upper(text_at(p_, "hiveCliTaskExecutionType"));
        if (mode == "FILE") {
            const auto refs = resources();
            std::string line = "hive";
            add_words(line, {text_at(p_, "hiveCliOptions")});
            for (const auto& r : refs) add_words(line, {"-f", shell_word(r)});
            n_.command = "EMR_SHELL";
            n_.language = "shell";
            n_.code = with_references(refs, line);
            return;
        }
        n_.command = "EMR_HIVE";
        n_.language = "sql";
        n_.code = with_references(resources(), text_at(p_, "hiveSqlScript"));
        if (!text_at(p_, "hiveCliOptions").empty())
            note(sdk::Severity::warning, code::kTaskType,
                 "passes Hive CLI options '" + text_at(p_, "hiveCliOptions") +
                     "', which an EMR Hive node does not take: they are kept under \"dolphinscheduler\"");
    }

    std::string datasource_name_of(const json& id) {
        const std::string key = text(id);
        if (auto it = l_.datasource_name.find(key); it != l_.datasource_name.end()) return it->second;
        if (key.empty()) return {};
        note(sdk::Severity::warning, code::kDatasource,
             "reads or writes data source id " + key + ", which the export does not describe: the job names it "
             "'dolphinscheduler_datasource_" + key + "'");
        return "dolphinscheduler_datasource_" + key;
    }

    static json columns_of(const std::string& list) {
        json cols = json::array();
        std::size_t from = 0;
        while (from <= list.size() && !list.empty()) {
            auto comma = list.find(',', from);
            if (comma == std::string::npos) comma = list.size();
            std::string c = list.substr(from, comma - from);
            c.erase(0, c.find_first_not_of(' '));
            c.erase(c.find_last_not_of(' ') + 1);
            if (!c.empty()) cols.push_back(c);
            from = comma + 1;
        }
        if (cols.empty()) cols.push_back("*");
        return cols;
    }

    // A Data Integration job (DataWorks' script mode) from one reader and one writer step.
    static json di_job(json reader, json writer, json speed) {
        return {{"type", "job"},
                {"version", "2.0"},
                {"steps", json::array({std::move(reader), std::move(writer)})},
                {"setting", {{"speed", std::move(speed)}}},
                {"order", {{"hops", json::array({{{"from", "Reader"}, {"to", "Writer"}}})}}}};
    }

    static json step(const std::string& type, json parameter, const char* name, const char* category) {
        return {{"stepType", type}, {"parameter", std::move(parameter)}, {"name", name}, {"category", category}};
    }

    void sqoop() {
        if (upper(text_at(p_, "jobType")) == "CUSTOM") {
            n_.command = "EMR_SHELL";
            n_.language = "shell";
            n_.code = text_at(p_, "customShell");
            return;
        }
        const std::string src_type = upper(text_at(p_, "sourceType"));
        const std::string dst_type = upper(text_at(p_, "targetType"));
        const json src = embedded(at(p_, "sourceParams"));
        const json dst = embedded(at(p_, "targetParams"));
        json reader = json::object();
        if (src_type == "MYSQL") {
            reader["datasource"] = datasource_name_of(at(src, "srcDatasource"));
            if (text_at(src, "srcQueryType") == "1") reader["querySql"] = text_at(src, "srcQuerySql");
            else reader["table"] = json::array({text_at(src, "srcTable")});
            reader["column"] = text_at(src, "srcColumnType") == "1" ? columns_of(text_at(src, "srcColumns")) : json::array({"*"});
        } else if (src_type == "HIVE") {
            reader["table"] = text_at(src, "hiveDatabase") + "." + text_at(src, "hiveTable");
            if (!text_at(src, "hivePartitionKey").empty())
                reader["partition"] = text_at(src, "hivePartitionKey") + "=" + text_at(src, "hivePartitionValue");
            reader["column"] = json::array({"*"});
        } else if (src_type == "HDFS") {
            reader["path"] = text_at(src, "exportDir");
            reader["column"] = json::array({"*"});
        }
        json writer = json::object();
        if (dst_type == "HIVE") {
            writer["table"] = text_at(dst, "hiveDatabase") + "." + text_at(dst, "hiveTable");
            if (!text_at(dst, "hivePartitionKey").empty())
                writer["partition"] = text_at(dst, "hivePartitionKey") + "=" + text_at(dst, "hivePartitionValue");
            writer["writeMode"] = truthy(at(dst, "hiveOverWrite")) ? "overwrite" : "append";
            writer["column"] = json::array({"*"});
        } else if (dst_type == "MYSQL") {
            writer["datasource"] = datasource_name_of(at(dst, "targetDatasource"));
            writer["table"] = text_at(dst, "targetTable");
            writer["column"] = columns_of(text_at(dst, "targetColumns"));
            if (!text_at(dst, "preQuery").empty()) writer["preSql"] = json::array({text_at(dst, "preQuery")});
            writer["writeMode"] = truthy(at(dst, "isUpdate")) ? "update" : "insert";
        } else if (dst_type == "HDFS") {
            writer["path"] = text_at(dst, "targetPath");
            writer["fileType"] = lower(text_at(dst, "fileType"));
            if (!text_at(dst, "fieldsTerminated").empty()) writer["fieldDelimiter"] = text_at(dst, "fieldsTerminated");
            writer["writeMode"] = truthy(at(dst, "deleteTargetDir")) ? "truncate" : "append";
        }
        json speed = {{"concurrent", std::max<std::int64_t>(1, number_at(p_, "concurrency", 1))}, {"throttle", false}};
        n_.command = "DI";
        n_.language = "json";
        n_.code = di_job(step(lower(src_type), reader, "Reader", "reader"), step(lower(dst_type), writer, "Writer", "writer"),
                         speed)
                      .dump(2);
        note(sdk::Severity::warning, code::kTaskType,
             "is a Sqoop " + lower(text_at(p_, "modelType")) + " from " + src_type + " to " + dst_type +
                 ": it becomes a Data Integration job; review its reader and writer (columns, partitions, write "
                 "mode) before it runs");
    }

    void datax() {
        n_.command = "DI";
        n_.language = "json";
        const json speed_default = {{"concurrent", 1}, {"throttle", false}};
        if (number_at(p_, "customConfig") == 1) {
            json job = embedded(at(p_, "json"));
            if (!job.is_object()) {
                n_.code = text_at(p_, "json");
                note(sdk::Severity::warning, code::kJson,
                     "holds a DataX job that is not JSON: it is kept as written as the node's code");
                return;
            }
            // DataX's job (job.content[].reader/writer named "mysqlreader"...) as DataWorks steps.
            json steps = json::array(), hops = json::array();
            const json& content = at(at(job, "job"), "content");
            std::size_t i = 0;
            if (content.is_array())
                for (const auto& c : content) {
                    const std::string suffix = content.size() > 1 ? "_" + std::to_string(++i) : "";
                    auto plugin = [&](const char* role, const char* tail, const char* name, const char* category) {
                        const json& part = at(c, role);
                        std::string type = text_at(part, "name");
                        if (ends_with(type, tail)) type.resize(type.size() - std::string(tail).size());
                        json parameter = at(part, "parameter").is_object() ? at(part, "parameter") : json::object();
                        steps.push_back(step(type, std::move(parameter), (std::string(name) + suffix).c_str(), category));
                    };
                    plugin("reader", "reader", "Reader", "reader");
                    plugin("writer", "writer", "Writer", "writer");
                    hops.push_back({{"from", "Reader" + suffix}, {"to", "Writer" + suffix}});
                }
            json speed = speed_default;
            const json& channel = at(at(at(at(job, "job"), "setting"), "speed"), "channel");
            if (!channel.is_null()) speed["concurrent"] = number(channel, 1);
            json di = {{"type", "job"}, {"version", "2.0"}, {"steps", steps}, {"setting", {{"speed", speed}}},
                       {"order", {{"hops", hops}}}};
            const auto removed = remove_secrets(di);
            if (!removed.empty()) {
                json original = t_.original;
                json* params = original.contains("taskParams") ? &original["taskParams"] : &original["params"];
                if (params->is_object() && params->contains("json")) {
                    json inner = embedded((*params)["json"]);
                    remove_secrets(inner);
                    (*params)["json"] = inner.is_string() ? inner : json(inner.dump());
                }
                n_.scrubbed_original = std::move(original);
                std::string list;
                for (const auto& r : removed) list += (list.empty() ? "" : ", ") + r;
                note(sdk::Severity::warning, code::kSecret,
                     "its DataX job holds secrets (" + list +
                         "): ferry stores no secrets, so they are left out; DataWorks jobs read credentials from "
                         "their data sources");
            }
            n_.code = di.dump(2);
            note(sdk::Severity::warning, code::kTaskType,
                 "is a DataX job: it becomes a Data Integration job with DataX's reader and writer parameters; "
                 "review them (DataWorks reads connections from data sources) before it runs");
            return;
        }
        json reader = {{"datasource", datasource_name_of(at(p_, "dataSource"))}, {"querySql", text_at(p_, "sql")}};
        json writer = {{"datasource", datasource_name_of(at(p_, "dataTarget"))}, {"table", text_at(p_, "targetTable")},
                       {"column", json::array({"*"})}};
        for (const char* k : {"preStatements", "postStatements"})
            if (at(p_, k).is_array() && !at(p_, k).empty())
                writer[std::string(k) == "preStatements" ? "preSql" : "postSql"] = at(p_, k);
        json speed = speed_default;
        if (number_at(p_, "jobSpeedByte") > 0) {
            speed["throttle"] = true;
            speed["mbps"] = std::max<std::int64_t>(1, number_at(p_, "jobSpeedByte") / (1024 * 1024));
        }
        n_.code = di_job(step(lower(text_at(p_, "dsType")), reader, "Reader", "reader"),
                         step(lower(text_at(p_, "dtType")), writer, "Writer", "writer"), speed)
                      .dump(2);
        note(sdk::Severity::warning, code::kTaskType,
             "is a DataX job from " + text_at(p_, "dsType") + " to " + text_at(p_, "dtType") +
                 ": it becomes a Data Integration job; review its columns before it runs");
    }

    void http() {
        const std::string method = upper(text_at(p_, "httpMethod").empty() ? "GET" : text_at(p_, "httpMethod"));
        std::string url = text_at(p_, "url");
        std::string line = "response=$(curl -sS -X " + method;
        auto seconds = [](std::int64_t ms) { return std::to_string(std::max<std::int64_t>(1, (ms + 999) / 1000)); };
        if (number_at(p_, "connectTimeout") > 0) add_words(line, {"--connect-timeout", seconds(number_at(p_, "connectTimeout"))});
        if (number_at(p_, "socketTimeout") > 0) add_words(line, {"--max-time", seconds(number_at(p_, "socketTimeout"))});
        json body = json::object();
        std::vector<std::string> secrets;
        bool query = false;
        const json& params = at(p_, "httpParams");
        if (params.is_array())
            for (const auto& p : params) {
                const std::string prop = text_at(p, "prop");
                const std::string kind = upper(text_at(p, "httpParametersType"));
                if (cloud::secret_field(prop) || (kind == "HEADERS" && lower(prop) == "authorization")) {
                    secrets.push_back(prop);
                    continue;
                }
                if (kind == "HEADERS") add_words(line, {"-H", shell_word(prop + ": " + text_at(p, "value"))});
                else if (kind == "BODY") body[prop] = text_at(p, "value");
                else {
                    add_words(line, {"--data-urlencode", shell_word(prop + "=" + text_at(p, "value"))});
                    query = true;
                }
            }
        if (query) add_words(line, {"-G"});
        std::string raw_body = text_at(p_, "httpBody");
        if (!body.empty()) raw_body = body.dump();
        if (!raw_body.empty()) add_words(line, {"-H", shell_word("Content-Type: application/json"), "--data", shell_word(raw_body)});
        add_words(line, {"-w", shell_word("\n%{http_code}"), shell_word(url)});
        line += ") || exit 1";
        std::string check;
        const std::string condition = text_at(p_, "condition");
        const std::string how = upper(text_at(p_, "httpCheckCondition"));
        if (how == "STATUS_CODE_CUSTOM") check = "[ \"$code\" = " + shell_word(condition) + " ] || exit 1";
        else if (how == "BODY_CONTAINS") check = "printf '%s' \"$body\" | grep -qF -- " + shell_word(condition) + " || exit 1";
        else if (how == "BODY_NOT_CONTAINS")
            check = "if printf '%s' \"$body\" | grep -qF -- " + shell_word(condition) + "; then exit 1; fi";
        else check = "[ \"$code\" = 200 ] || exit 1";
        n_.command = "DIDE_SHELL";
        n_.language = "shell";
        n_.code = "# HTTP " + method + " " + url + " (a DolphinScheduler HTTP task)\n" + line +
                  "\ncode=$(printf '%s' \"$response\" | tail -n 1)\nbody=$(printf '%s' \"$response\" | sed '$d')\n"
                  "printf '%s\\n' \"$body\"\n" + check + "\n";
        if (!secrets.empty()) {
            json original = t_.original;
            json* held = original.contains("taskParams") ? &original["taskParams"] : &original["params"];
            if (held->is_object() && held->contains("httpParams") && (*held)["httpParams"].is_array())
                for (auto& p : (*held)["httpParams"])
                    if (std::find(secrets.begin(), secrets.end(), text_at(p, "prop")) != secrets.end()) p.erase("value");
            n_.scrubbed_original = std::move(original);
            std::string list;
            for (const auto& s : secrets) list += (list.empty() ? "" : ", ") + s;
            note(sdk::Severity::warning, code::kSecret,
                 "sends secrets (" + list + "): ferry stores no secrets, so they are left out of the request; add "
                 "them in DataWorks");
        }
    }

    void remote_shell() {
        n_.command = "SSH";
        n_.language = "shell";
        n_.code = text_at(p_, "rawScript");
        datasource(text_at(p_, "datasource"), "ssh");
    }

    void unmapped() {
        n_.command = "CUSTOM";
        n_.language = "json";
        n_.code = p_.dump(2);
        note(sdk::Severity::warning, code::kTaskType,
             "has task type '" + t_.type +
                 "', which has no DataWorks mapping: it becomes a CUSTOM node holding its parameters; rebuild it "
                 "in DataWorks");
    }

    const Task& t_;
    const json& p_;
    const Lookups& l_;
    NodeCode n_;
};

}  // namespace

bool is_control_task(const std::string& type) {
    const std::string t = upper(type);
    return t == "CONDITIONS" || t == "SWITCH" || t == "DEPENDENT" || t == "SUB_PROCESS" || t == "SUB_WORKFLOW";
}

NodeCode map_code_task(const Task& task, const Lookups& lookups) { return TaskMapper(task, lookups).run(); }

std::string resource_name(const json& ref, const Lookups& lookups) {
    if (!ref.is_object()) return basename_of(text(ref));
    if (const std::string id = text_at(ref, "id"); !id.empty())
        if (auto it = lookups.resource_by_id.find(id); it != lookups.resource_by_id.end())
            return basename_of(it->second->full_name);
    for (const char* key : {"resourceName", "res", "fullName", "name"})
        if (const std::string v = text_at(ref, key); !v.empty()) return basename_of(v);
    if (const std::string id = text_at(ref, "id"); !id.empty()) return "dolphinscheduler_resource_" + id;
    return {};
}

std::string resource_type(const std::string& name) {
    const std::string n = lower(name);
    if (ends_with(n, ".py")) return "python";
    if (ends_with(n, ".jar")) return "jar";
    for (const char* a : {".zip", ".tar.gz", ".tgz", ".tar"})
        if (ends_with(n, a)) return "archive";
    return "file";
}

std::vector<std::string> remove_secrets(json& j, const std::string& at_pointer) {
    std::vector<std::string> out;
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end();) {
            std::string token = it.key();
            for (std::size_t p = 0; (p = token.find_first_of("~/", p)) != std::string::npos; p += 2)
                token.replace(p, 1, token[p] == '~' ? "~0" : "~1");
            const std::string path = at_pointer + "/" + token;
            if (cloud::secret_field(it.key()) && !it->is_null()) {
                out.push_back(path);
                it = j.erase(it);
                continue;
            }
            auto inner = remove_secrets(*it, path);
            out.insert(out.end(), inner.begin(), inner.end());
            ++it;
        }
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) {
            auto inner = remove_secrets(j[i], at_pointer + "/" + std::to_string(i));
            out.insert(out.end(), inner.begin(), inner.end());
        }
    }
    return out;
}

}  // namespace ferry::reader::ds
