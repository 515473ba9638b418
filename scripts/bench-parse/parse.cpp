// Bench-only (scripts/bench --parse, docs/performance.md): simdjson 3 against sklog's own SIMD
// scan (Sources/CSklogScan, pass 1 + pass 2) on the same decoded chunks. Not part of the build.
//
//   parse MODE FILE [ROUNDS]
//
// FILE holds documents separated by newlines (NDJSON) or, for pretty-printed envelopes, by a
// 0x1e byte. They are cut into 1 MiB chunks of whole documents, each copied once into a buffer
// with simdjson's padding. MODE:
//   none       only walk the documents (the cost every mode shares)
//   scan       sk_scan_object on each document: its top-level members (key and value ranges)
//   ondemand   simdjson on-demand: iterate each document's top-level fields, key and value ranges
//   many       simdjson on-demand iterate_many over the whole chunk (NDJSON only), same fields
//   stage1     simdjson on-demand iterate of each document, no field touched (stage 1 only)
//   dom        simdjson DOM parse of each document (stage 1 and the tape of stage 2)
// With envelopes (--nested), scan and ondemand also read the members of "session", "request"
// and context.System, as sklog does. Prints bytes, MB/s of each round, the median, and a
// checksum (members found) that must agree between scan and ondemand.
#include <simdjson.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
extern "C" {
#include "../../Sources/CSklogScan/include/sklog_scan.h"
}

using namespace simdjson;

struct Chunk { char *p; size_t n; std::vector<std::pair<size_t, size_t>> docs; };

static bool nested = false;
static uint64_t sink = 0;  // members found (must agree between modes)
static uint64_t junk = 0;  // value positions, so that nothing is optimized away

// Our scan: the top-level members; for envelopes, the members of the objects sklog reads.
static void scan_doc(const uint8_t *p, size_t n, int depth) {
    sk_member m[96];
    unsigned flags = 0;
    int k = sk_scan_object(p, n, m, 96, &flags, nullptr);  // every member, as simdjson gives them
    if (k < 0) { sink += 1000000; return; }
    for (int i = 0; i < k; i++) {
        sink += 1; junk += m[i].vs + m[i].ve;
        if (nested && m[i].kind == SK_OBJECT && depth < 2) {
            size_t kl = m[i].ke - m[i].ks;
            const char *key = (const char *)p + m[i].ks;
            bool want = (depth == 0 && ((kl == 7 && !memcmp(key, "session", 7)) || (kl == 7 && !memcmp(key, "request", 7)) ||
                                        (kl == 7 && !memcmp(key, "context", 7))))
                     || (depth == 1 && kl == 6 && !memcmp(key, "System", 6));
            if (want) scan_doc(p + m[i].vs, m[i].ve - m[i].vs, depth + 1);
        }
    }
}

// simdjson on-demand: the same fields, with their key and value ranges.
template <class Obj> static void od_object(Obj &&obj, const char *base, int depth) {
    for (auto field : obj) {
        ondemand::raw_json_string key;
        if (field.key().get(key)) { sink += 1000000; return; }
        const char *ks = (const char *)key.raw();
        const char *ke = (const char *)memchr(ks, '"', 1 << 20);  // keys have no escapes here
        ondemand::value v = field.value();
        ondemand::json_type t;
        if (v.type().get(t)) { sink += 1000000; return; }
        size_t kl = ke - ks;
        if (t == ondemand::json_type::object) {
            bool want = nested && ((depth == 0 && kl == 7 && (!memcmp(ks, "session", 7) || !memcmp(ks, "request", 7) || !memcmp(ks, "context", 7)))
                                || (depth == 1 && kl == 6 && !memcmp(ks, "System", 6)));
            if (want) {
                ondemand::object o;
                if (v.get_object().get(o)) { sink += 1000000; return; }
                sink += 1; junk += (size_t)(ks - base);
                od_object(o, base, depth + 1);
                continue;
            }
            ondemand::object o;
            std::string_view raw;
            if (v.get_object().get(o) || o.raw_json().get(raw)) { sink += 1000000; return; }
            sink += 1; junk += (size_t)(raw.data() - base) + raw.size();
        } else if (t == ondemand::json_type::array) {
            ondemand::array a;
            std::string_view raw;
            if (v.get_array().get(a) || a.raw_json().get(raw)) { sink += 1000000; return; }
            sink += 1; junk += (size_t)(raw.data() - base) + raw.size();
        } else {
            std::string_view tok = v.raw_json_token();
            sink += 1; junk += (size_t)(tok.data() - base) + tok.size() + kl;
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: parse MODE FILE [ROUNDS] [--nested]\n"); return 2; }
    std::string mode = argv[1];
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    for (int i = 1; i < argc; i++) if (!strcmp(argv[i], "--nested")) nested = true;
    FILE *f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 2; }
    std::string all;
    char buf[1 << 16];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) all.append(buf, r);
    fclose(f);
    char sep = all.find('\x1e') != std::string::npos ? '\x1e' : '\n';
    // 1 MiB chunks of whole documents, each with simdjson's padding after it.
    std::vector<Chunk> chunks;
    size_t pos = 0;
    while (pos < all.size()) {
        size_t end = std::min(all.size(), pos + (1 << 20));
        if (end < all.size()) { size_t k = all.rfind(sep, end); end = (k == std::string::npos || k < pos) ? all.size() : k + 1; }
        Chunk c;
        c.n = end - pos;
        c.p = (char *)aligned_alloc(64, (c.n + SIMDJSON_PADDING + 63) / 64 * 64);
        memcpy(c.p, all.data() + pos, c.n);
        memset(c.p + c.n, 0, SIMDJSON_PADDING);
        size_t d = 0;
        while (d < c.n) {
            const char *e = (const char *)memchr(c.p + d, sep, c.n - d);
            size_t de = e ? (size_t)(e - c.p) : c.n;
            if (de > d) c.docs.push_back({d, de - d});
            d = de + 1;
        }
        chunks.push_back(c);
        pos = end;
    }
    size_t bytes = all.size();
    all.clear(); all.shrink_to_fit();
    ondemand::parser od;
    dom::parser dp;
    std::vector<double> mbs;
    for (int round = 0; round < rounds; round++) {
        sink = 0;
        auto t0 = std::chrono::steady_clock::now();
        for (auto &c : chunks) {
            if (mode == "many") {
                ondemand::document_stream stream;
                if (od.iterate_many(c.p, c.n, 1 << 20).get(stream)) { sink += 1000000; continue; }
                for (auto doc : stream) {
                    ondemand::object o;
                    if (doc.get_object().get(o)) { sink += 1000000; continue; }
                    od_object(o, c.p, 0);
                }
                continue;
            }
            for (auto &d : c.docs) {
                const char *p = c.p + d.first;
                size_t n = d.second;
                if (mode == "none") { sink += (uint8_t)p[n - 1]; }
                else if (mode == "scan") { scan_doc((const uint8_t *)p, n, 0); }
                else if (mode == "stage1") {
                    ondemand::document doc;
                    if (od.iterate(padded_string_view(p, n, c.n + SIMDJSON_PADDING - d.first)).get(doc)) sink += 1000000; else sink += 1;
                } else if (mode == "ondemand") {
                    ondemand::document doc;
                    ondemand::object o;
                    if (od.iterate(padded_string_view(p, n, c.n + SIMDJSON_PADDING - d.first)).get(doc) || doc.get_object().get(o)) { sink += 1000000; continue; }
                    od_object(o, c.p, 0);
                } else if (mode == "dom") {
                    dom::element e;
                    if (dp.parse(p, n, false).get(e)) sink += 1000000; else sink += 1;
                } else { fprintf(stderr, "unknown mode %s\n", mode.c_str()); return 2; }
            }
        }
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        mbs.push_back(bytes / s / 1e6);
    }
    std::vector<double> sorted = mbs;
    std::sort(sorted.begin(), sorted.end());
    size_t docs = 0;
    for (auto &c : chunks) docs += c.docs.size();
    if (junk == 42) printf("!");
    printf("%s bytes=%zu docs=%zu checksum=%llu ondemand=%s dom=%s median_MBps=%.1f rounds=", mode.c_str(), bytes, docs,
           (unsigned long long)sink, SIMDJSON_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION), simdjson::get_active_implementation()->name().data(), sorted[sorted.size() / 2]);
    for (double m : mbs) printf(" %.1f", m);
    printf("\n");
    return 0;
}
