/* A minimal JSON reader for the host tests' C plugins: enough to find a member's value in a
 * task spec the host wrote. Not a validator: the plugins trust their test host. */
#ifndef TASKHOST_TEST_TINY_JSON_H
#define TASKHOST_TEST_TINY_JSON_H

#include <stddef.h>
#include <string.h>

/* The end of the JSON value starting at `p` (a string, an object/array, or a scalar). */
static inline const char* value_end(const char* p) {
    if (*p == '"') {
        for (++p; *p && *p != '"'; ++p) {
            if (*p == '\\' && p[1]) {
                ++p;
            }
        }
        return *p ? p + 1 : p;
    }
    if (*p == '{' || *p == '[') {
        int depth = 0;
        for (; *p; ++p) {
            if (*p == '"') {
                p = value_end(p) - 1;
            } else if (*p == '{' || *p == '[') {
                ++depth;
            } else if (*p == '}' || *p == ']') {
                if (--depth == 0) {
                    return p + 1;
                }
            }
        }
        return p;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']') {
        ++p;
    }
    return p;
}

/* Finds the value of member `key` anywhere in `json`; 0 when absent. */
static inline int find_member(const char* json, const char* key, const char** start, size_t* len) {
    const size_t key_len = strlen(key);
    for (const char* p = json; *p; ++p) {
        if (*p != '"') {
            continue;
        }
        const char* end = value_end(p);
        const char* q = end;
        while (*q == ' ') {
            ++q;
        }
        if (*q == ':' && (size_t)(end - p) == key_len + 2 && strncmp(p + 1, key, key_len) == 0) {
            ++q;
            while (*q == ' ') {
                ++q;
            }
            *start = q;
            *len = (size_t)(value_end(q) - q);
            return 1;
        }
        p = end - 1;
    }
    return 0;
}

static inline int member_is(const char* json, const char* key, const char* literal) {
    const char* start;
    size_t len;
    return find_member(json, key, &start, &len) && len == strlen(literal) &&
           strncmp(start, literal, len) == 0;
}

#endif
