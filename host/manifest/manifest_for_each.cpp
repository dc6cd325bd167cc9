#include "manifest/manifest_for_each.h"

#include <Poco/JSON/Object.h>

namespace taskhost {

ManifestForEach read_for_each(const JsonFields& task) {
    const JsonFields fields = task.child(
        "for_each", "write it as {\"task\": \"A READ-ONLY LISTING TASK\", \"params\": {...}}");
    fields.only_known({"task", "params", "account"},
                      "the listed items' own params come from the listing; the params every "
                      "item's task gets go in the task's \"params\"");
    if (!fields.has("task")) {
        fail(fields.where("task"), "is missing",
             "name the read-only task that lists the items (`taskhost plugins` marks them "
             "[read-only])");
    }
    ManifestForEach for_each;
    for_each.task = fields.text("task");
    for_each.params = fields.has("params") ? fields.object("params")
                                           : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
    if (fields.has("account")) {
        for_each.account = fields.text("account");
    }
    return for_each;
}

}  // namespace taskhost
