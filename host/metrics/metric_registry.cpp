#include "metrics/metric_registry.h"

#include <cmath>
#include <cstdio>

namespace taskhost {
namespace {

const char* type_name(MetricType type) {
    switch (type) {
        case MetricType::kCounter:
            return "counter";
        case MetricType::kGauge:
            return "gauge";
        case MetricType::kHistogram:
            return "histogram";
    }
    return "untyped";
}

std::string escaped_value(const std::string& raw) {
    std::string out;
    const size_t limit = std::min(raw.size(), kMaxLabelValueChars);
    for (size_t i = 0; i < limit; ++i) {
        const char c = raw[i];
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

// `rendered` ("{...}" or "") with one more label.
std::string with_label(const std::string& rendered, const std::string& name,
                       const std::string& value) {
    const std::string label = name + "=\"" + value + "\"";
    if (rendered.empty()) {
        return "{" + label + "}";
    }
    return rendered.substr(0, rendered.size() - 1) + "," + label + "}";
}

}  // namespace

std::string render_labels(const MetricLabels& labels) {
    if (labels.empty()) {
        return "";
    }
    std::string out = "{";
    for (size_t i = 0; i < labels.size(); ++i) {
        out +=
            (i == 0 ? "" : ",") + labels[i].first + "=\"" + escaped_value(labels[i].second) + "\"";
    }
    return out + "}";
}

std::string metric_number(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
        return std::to_string(static_cast<int64_t>(value));
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

void MetricRegistry::declare(const std::string& name, const std::string& help, MetricType type,
                             std::vector<double> bounds) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Family& family : families_) {
        if (family.name == name) {
            return;
        }
    }
    families_.push_back(Family{name, help, type, std::move(bounds), {}});
}

MetricRegistry::Series* MetricRegistry::series_for(const std::string& name,
                                                   const MetricLabels& labels) {
    for (Family& family : families_) {
        if (family.name != name) {
            continue;
        }
        const std::string key = render_labels(labels);
        auto found = family.series.find(key);
        if (found != family.series.end()) {
            return &found->second;
        }
        if (family.series.size() >= kMaxSeriesPerFamily) {
            ++dropped_;
            return nullptr;
        }
        Series& made = family.series[key];
        made.buckets.assign(family.bounds.size(), 0);
        return &made;
    }
    return nullptr;  // undeclared: a bug of ours, never a crash
}

void MetricRegistry::add(const std::string& name, const MetricLabels& labels, double amount) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (Series* series = series_for(name, labels)) {
        series->value += amount;
    }
}

void MetricRegistry::set(const std::string& name, const MetricLabels& labels, double value) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (Series* series = series_for(name, labels)) {
        series->value = value;
    }
}

void MetricRegistry::observe(const std::string& name, const MetricLabels& labels, double value) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Family& family : families_) {
        if (family.name != name) {
            continue;
        }
        Series* series = series_for(name, labels);
        if (series == nullptr) {
            return;
        }
        series->value += value;
        ++series->count;
        for (size_t i = 0; i < family.bounds.size(); ++i) {
            if (value <= family.bounds[i]) {
                ++series->buckets[i];
                break;
            }
        }
        return;
    }
}

void MetricRegistry::write_family(const Family& family, std::string& out) const {
    out += "# HELP " + family.name + " " + family.help + "\n";
    out += "# TYPE " + family.name + " " + type_name(family.type) + "\n";
    for (const auto& [labels, series] : family.series) {
        if (family.type != MetricType::kHistogram) {
            out += family.name + labels + " " + metric_number(series.value) + "\n";
            continue;
        }
        uint64_t cumulative = 0;
        for (size_t i = 0; i < family.bounds.size(); ++i) {
            cumulative += series.buckets[i];
            out += family.name + "_bucket" +
                   with_label(labels, "le", metric_number(family.bounds[i])) + " " +
                   std::to_string(cumulative) + "\n";
        }
        out += family.name + "_bucket" + with_label(labels, "le", "+Inf") + " " +
               std::to_string(series.count) + "\n";
        out += family.name + "_sum" + labels + " " + metric_number(series.value) + "\n";
        out += family.name + "_count" + labels + " " + std::to_string(series.count) + "\n";
    }
}

std::string MetricRegistry::exposition() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    for (const Family& family : families_) {
        write_family(family, out);
    }
    return out;
}

uint64_t MetricRegistry::dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
}

std::string dropped_series_exposition(uint64_t dropped) {
    return "# HELP taskhost_metrics_dropped_series_total Label sets dropped at the per-family "
           "limit.\n# TYPE taskhost_metrics_dropped_series_total counter\n"
           "taskhost_metrics_dropped_series_total " +
           std::to_string(dropped) + "\n";
}

}  // namespace taskhost
