import SklogRecords

/// A metric's value: an integer, a real number, or not available.
public enum MetricNumber: Equatable, Sendable {
    case int(Int64)
    case real(Double)
    case null

    public var double: Double? {
        switch self {
        case .int(let v): Double(v)
        case .real(let v): v
        case .null: nil
        }
    }

    /// The value as JSON/CSV text: integers as they are, reals rounded to 6 decimal places
    /// (trailing zeros dropped), `null` when not available.
    public var text: String {
        switch self {
        case .int(let v): return String(v)
        case .null: return "null"
        case .real(let v): return Self.decimal(v, places: 6)
        }
    }

    /// Fixed-point text without Foundation; deterministic.
    public static func decimal(_ v: Double, places: Int) -> String {
        guard v.isFinite else { return "null" }
        var scale: Double = 1
        for _ in 0..<places { scale *= 10 }
        if abs(v) * scale >= 9e18 { return String(Int64(v.rounded())) }
        let scaled = Int64((v * scale).rounded())
        let neg = scaled < 0
        let mag = scaled.magnitude
        let ip = mag / UInt64(scale)
        var fp = mag % UInt64(scale)
        var digits = places
        while digits > 0 && fp % 10 == 0 { fp /= 10; digits -= 1 }
        var s = (neg ? "-" : "") + String(ip)
        if digits > 0 {
            let f = String(fp)
            s += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return s == "-0" ? "0" : s
    }
}

/// One value of one metric: `def` indexes `MetricCatalog.all`; `labels` holds the values of the
/// definition's label keys (empty for an unlabelled metric, and for a labelled metric that is not
/// available at all, whose value is then null).
public struct MetricValue: Sendable, Equatable {
    public let def: Int
    public let labels: [String]
    public let value: MetricNumber
    public var definition: MetricDef { MetricCatalog.all[def] }
}

/// The metrics of one cell, in catalog order.
public struct MetricSet: Sendable {
    public var values: [MetricValue]

    /// Values of the metric(s) with this name (and, when given, these label values).
    public func values(named name: String, labels: [String: String] = [:]) -> [MetricValue] {
        values.filter { v in
            guard v.definition.name == name else { return false }
            if labels.isEmpty { return true }
            let keys = v.definition.labels
            guard !v.labels.isEmpty else { return false }
            for (k, want) in labels {
                guard let i = keys.firstIndex(of: k), v.labels[i] == want else { return false }
            }
            return true
        }
    }

    /// The unlabelled value of a metric (nil when it has none).
    public func value(_ name: String) -> MetricNumber? {
        values.first { $0.definition.name == name && $0.definition.labels.isEmpty }?.value
    }
}

public struct MetricsDimensionValue: Sendable {
    public var value: String
    public var metrics: MetricSet
}

public struct MetricsDimension: Sendable {
    public var name: String
    public var values: [MetricsDimensionValue]
}

public struct MetricsBucket: Sendable {
    /// Bucket start (nil for the whole input).
    public var start: Int64?
    public var metrics: MetricSet
    public var dimensions: [MetricsDimension]
    /// The input covers this period only in part: its first record is after the period's start,
    /// or its last record is before the period's last millisecond (`Period.isPartial`).
    public var partial: Bool = false
}

/// Everything a metrics run reports.
public struct MetricsResult: Sendable {
    public var period: String?
    public var by: [String]
    public var accounting: Accounting
    /// Time of the first and last record (nil without records).
    public var from: Int64?
    public var to: Int64?
    public var buckets: [MetricsBucket]
    public var total: MetricsBucket
}

extension MetricsAccumulator {
    /// Finishes the computation (applies deferred events) and evaluates every cell.
    public func result() -> MetricsResult {
        resolveDeferred()
        let w = whole.main
        let ev = Evaluator(acc: self, w: w)
        let hasRecords = minTs <= maxTs

        // Buckets: the periods with records, and the empty periods between them within a
        // budget (`Period.listed`): never one per period of the span.
        var out: [MetricsBucket] = []
        if let p = options.period, hasRecords {
            var running: Int64 = 0
            var runningDims = Array(repeating: [UInt64: Int64](), count: options.by.count)
            var starts = Set(buckets.keys)
            starts.insert(p.start(minTs))
            starts.insert(p.start(maxTs))
            let empty = MetricsCell()
            for s in p.listed(starts.sorted()) {
                let b = buckets[s]
                let cell = b?.main ?? empty
                let net = cell[.paidStarts] - cell[.paidEnds]
                let metrics = ev.evaluate(cell, whole: false, activeStart: running, activeEnd: running + net)
                running += net
                var dims: [MetricsDimension] = []
                for (d, dim) in options.by.enumerated() {
                    var values: [MetricsDimensionValue] = []
                    if let b {
                        for (v, c) in b.dims[d].pairs {
                            let start = runningDims[d][v] ?? 0
                            let n = c[.paidStarts] - c[.paidEnds]
                            runningDims[d][v] = start + n
                            values.append(MetricsDimensionValue(value: names[v] ?? "", metrics: ev.evaluate(c, whole: false, activeStart: start, activeEnd: start + n)))
                        }
                    }
                    values.sort { utf8Precedes($0.value, $1.value) }
                    dims.append(MetricsDimension(name: dim.rawValue, values: values))
                }
                out.append(MetricsBucket(start: s, metrics: metrics, dimensions: dims, partial: p.isPartial(s, from: minTs, to: maxTs)))
            }
        }
        var totalDims: [MetricsDimension] = []
        for (d, dim) in options.by.enumerated() {
            var values = whole.dims[d].pairs.map { v, c in
                MetricsDimensionValue(value: names[v] ?? "", metrics: ev.evaluate(c, whole: false, activeStart: 0, activeEnd: c[.paidStarts] - c[.paidEnds]))
            }
            values.sort { utf8Precedes($0.value, $1.value) }
            totalDims.append(MetricsDimension(name: dim.rawValue, values: values))
        }
        let total = MetricsBucket(start: nil, metrics: ev.evaluate(w, whole: true, activeStart: 0, activeEnd: w[.paidStarts] - w[.paidEnds]),
                                  dimensions: totalDims)
        return MetricsResult(period: options.period?.rawValue, by: options.by.map(\.rawValue), accounting: accounting,
                             from: hasRecords ? minTs : nil, to: hasRecords ? maxTs : nil, buckets: out, total: total)
    }
}

/// Turns counters into metric values, with the not-available rule: a metric whose source events
/// are absent from the whole input is null; a rate with a zero denominator is null.
struct Evaluator {
    let acc: MetricsAccumulator
    let w: MetricsCell
    let defIndex: [String: Int]
    // Availability over the whole input.
    let customers, turns, turnOutcome, sessions, intentRequests, plays, actions, confidence: Bool
    let discovery, capability, reportState, changeReport, skillEvents, accountLinking: Bool
    let accessTokens, refreshTokens, isp, subscriptions, endpoint, endpointOutcome, endpointLatency: Bool
    let retention: Bool
    let retained: [UserTable.Slot]

    init(acc: MetricsAccumulator, w: MetricsCell) {
        self.acc = acc
        self.w = w
        var idx: [String: Int] = [:]
        for (i, d) in MetricCatalog.all.enumerated() { idx[d.name + "|" + (d.group ?? "")] = i }
        defIndex = idx
        customers = w.users.customers > 0
        turns = w[.turns] > 0
        turnOutcome = w[.turnOutcomeKnown] > 0
        sessions = w[.sessions] > 0
        intentRequests = w[.intentRequests] > 0
        plays = w[.plays] > 0
        actions = w[.actions] > 0
        confidence = w[.confidenceHigh] + w[.confidenceMedium] + w[.confidenceLow] > 0
        discovery = w[.discovery] > 0
        capability = w[.capability] > 0
        reportState = w[.reportState] > 0
        changeReport = w[.crComparisons] > 0
        skillEvents = w[.skillEvents] > 0
        accountLinking = w[.accountLinkingEvents] > 0
        accessTokens = w[.accessTokens] > 0
        refreshTokens = w[.refreshTokens] > 0
        isp = w[.ispResponses] > 0
        subscriptions = w[.subscriptionEvents] > 0
        endpoint = w[.endpointRequests] > 0
        endpointOutcome = w[.endpointSuccess] + w[.endpointFailed] > 0
        endpointLatency = w.endpointLatency.n > 0
        retained = w.users.retained
        retention = !retained.isEmpty
    }

    func name(_ h: UInt64) -> String { acc.names[h] ?? String(h, radix: 16) }

    func evaluate(_ c: MetricsCell, whole: Bool, activeStart: Int64, activeEnd: Int64) -> MetricSet {
        var vals: [MetricValue] = []
        vals.reserveCapacity(128)
        func put(_ n: String, _ v: MetricNumber) {
            vals.append(MetricValue(def: defIndex[n + "|"]!, labels: [], value: v))
        }
        func row(_ n: String, _ group: String?, _ labels: [String], _ v: MetricNumber) {
            vals.append(MetricValue(def: defIndex[n + "|" + (group ?? "")]!, labels: labels, value: v))
        }
        func count(_ ok: Bool, _ v: Int64) -> MetricNumber { ok ? .int(v) : .null }
        func rate(_ ok: Bool, _ num: Int64, _ den: Int64) -> MetricNumber { ok && den > 0 ? .real(Double(num) / Double(den)) : .null }
        func per100(_ ok: Bool, _ num: Int64) -> MetricNumber { ok && c[.turns] > 0 ? .real(Double(num) * 100 / Double(c[.turns])) : .null }
        func latency(_ ok: Bool, _ h: LatencyHistogram, _ prefix: String, _ group: String? = nil, _ labels: [String] = []) {
            let ps = ok ? h.percentiles([50, 90, 99]) : [nil, nil, nil]
            row(prefix + "P50", group, labels, ps[0].map { .int($0) } ?? .null)
            row(prefix + "P90", group, labels, ps[1].map { .int($0) } ?? .null)
            row(prefix + "P99", group, labels, ps[2].map { .int($0) } ?? .null)
            row(prefix + "Avg", group, labels, ok ? (h.mean.map { .real($0) } ?? .null) : .null)
        }
        func sortedKeys<V>(_ m: U64Map<V>, by weight: (V) -> Int64) -> [(UInt64, V)] {
            m.pairs.map { ($0, $1) }.sorted { a, b in
                let wa = weight(a.1), wb = weight(b.1)
                if wa != wb { return wa > wb }
                return utf8Precedes(name(a.0), name(b.0))
            }
        }

        // Customers and utterances.
        put("uniqueCustomers", count(customers, Int64(c.users.customers)))
        put("totalUtterances", count(turns, c[.turns]))
        put("successfulUtterances", count(turnOutcome, c[.turnSuccess]))
        put("failedUtterances", count(turnOutcome, c[.turnFailed]))
        put("utterancesPerCustomer", rate(turns, c[.turns], Int64(c.users.turnUsers)))
        put("utterancesPerSession", rate(turns && sessions, c[.turns], c[.sessions]))

        // Sessions.
        let ses = c[.sessions]
        let successful = c[.sessionsUserEnded] + c[.sessionsSkillEnded]
        put("totalSessions", count(sessions, ses))
        put("successfulSessions", count(sessions, successful))
        put("incompleteSessions", count(sessions, c[.sessionsNoResponse]))
        put("failedSessions", count(sessions, c[.sessionsFailed]))
        put("userEndedSessions", count(sessions, c[.sessionsUserEnded]))
        put("skillEndedSessions", count(sessions, c[.sessionsSkillEnded]))
        put("unknownSessions", count(sessions, c[.sessionsUnknown]))
        put("sessionsPerCustomer", rate(sessions, ses, Int64(c.users.sessionUsers)))
        put("successfulSessionsShare", rate(sessions, successful, ses))
        put("incompleteSessionsShare", rate(sessions, c[.sessionsNoResponse], ses))
        put("failedSessionsShare", rate(sessions, c[.sessionsFailed], ses))
        put("userEndedSessionsShare", rate(sessions, c[.sessionsUserEnded], ses))
        put("skillEndedSessionsShare", rate(sessions, c[.sessionsSkillEnded], ses))
        put("unknownSessionsShare", rate(sessions, c[.sessionsUnknown], ses))

        // Intents.
        put("totalIntents", count(intentRequests, c[.intentRequests]))
        if intentRequests {
            for (k, s) in sortedKeys(c.intents, by: { $0.utterances }) {
                let l = [name(k)]
                row("intentUtterances", "intents", l, .int(s.utterances))
                row("intentCustomers", "intents", l, .int(Int64(s.customers.count)))
                row("intentFailures", "intents", l, .int(s.failures))
            }
        } else {
            for n in ["intentUtterances", "intentCustomers", "intentFailures"] { row(n, "intents", [], .null) }
        }

        // Interaction path.
        if sessions {
            let rows = c.pairs.pairs.map { k, p -> (String, String, PairStat, UInt64) in
                let (a, b) = acc.pairNames[k] ?? (0, 0)
                return (name(a), name(b), p, a)
            }.sorted { x, y in
                if x.2.sessions != y.2.sessions { return x.2.sessions > y.2.sessions }
                if x.0 != y.0 { return utf8Precedes(x.0, y.0) }
                return utf8Precedes(x.1, y.1)
            }
            for (from, to, p, a) in rows {
                let l = [from, to]
                row("pathSessions", "paths", l, .int(p.sessions))
                row("pathCustomers", "paths", l, .int(Int64(p.customers.count)))
                row("pathShare", "paths", l, rate(true, Int64(p.customers.count), Int64(c.steps[a]?.count ?? 0)))
            }
            if whole {
                let tops = c.topPaths.pairs.map { k, n in ((acc.pathNames[k] ?? []).map(name).joined(separator: " > "), n) }
                    .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : utf8Precedes($0.0, $1.0) }
                for (p, n) in tops.prefix(acc.options.top) { row("topPathSessions", "topPaths", [p], .int(n)) }
            }
        } else {
            for n in ["pathSessions", "pathCustomers", "pathShare"] { row(n, "paths", [], .null) }
            if whole { row("topPathSessions", "topPaths", [], .null) }
        }

        // Retention (whole input).
        if whole {
            if retention {
                var cohorts: [Int32: [Int64]] = [:]
                for e in retained {
                    var counts = cohorts[e.first] ?? [Int64](repeating: 0, count: 13)
                    for k in 0...12 where e.weeks & (1 << k) != 0 { counts[k] += 1 }
                    cohorts[e.first] = counts
                }
                for cw in cohorts.keys.sorted() {
                    let counts = cohorts[cw]!
                    let label = String(Timestamp.string(MetricsAccumulator.weekStart(index: cw)).prefix(10))
                    for k in 0...12 {
                        let weekStart = MetricsAccumulator.weekStart(index: cw + Int32(k))
                        let open = weekStart <= acc.maxTs
                        row("retentionCustomers", "retention", [label, String(k)], open ? .int(counts[k]) : .null)
                        row("retentionShare", "retention", [label, String(k)], open ? rate(true, counts[k], counts[0]) : .null)
                    }
                }
            } else {
                row("retentionCustomers", "retention", [], .null)
                row("retentionShare", "retention", [], .null)
            }
        }

        // Plays and actions.
        put("plays", count(plays, c[.plays]))
        put("totalActions", count(actions, c[.actions]))
        let directiveRows = sortedKeys(c.directives, by: { $0.count })
        if actions {
            for (k, d) in directiveRows {
                row("actionCount", "actions", [name(k)], .int(d.count))
                row("actionCustomers", "actions", [name(k)], .int(Int64(d.customers.count)))
            }
        } else {
            row("actionCount", "actions", [], .null)
            row("actionCustomers", "actions", [], .null)
        }

        // Operational.
        func operation(_ label: String, _ ok: Bool, _ n: Int64, _ success: Int64, _ failed: Int64, _ h: LatencyHistogram, _ latOK: Bool) {
            row("requests", "operations", [label], count(ok, n))
            row("successRate", "operations", [label], rate(ok, success, success + failed))
            latency(latOK, h, "latency", "operations", [label])
        }
        operation("Discovery", discovery, c[.discovery], c[.discoverySuccess], c[.discoveryFailed], c.discoveryLatency, w.discoveryLatency.n > 0)
        operation("CapabilityDirectives", capability, c[.capability], c[.capabilitySuccess], c[.capabilityFailed], c.capabilityLatency, w.capabilityLatency.n > 0)
        operation("ReportState", reportState, c[.reportState], c[.reportStateSuccess], c[.reportStateFailed], c.reportStateLatency, w.reportStateLatency.n > 0)
        for (k, d) in directiveRows {
            let whole = w.directives[k]
            operation(name(k), true, d.count, d.success, d.failed, d.latency, (whole?.latency.n ?? 0) > 0)
        }
        put("changeReportAccuracy", rate(changeReport, c[.crMatches], c[.crComparisons]))

        // Enablements and account linking.
        // Initiations come only from AccountLinking.Initiated: without any in the input (a log
        // with only AlexaSkillEvent.SkillAccountLinked completions) they are not available, and
        // neither is the completion rate — never "0 initiations, 191 completions".
        let initiations = accountLinking && w[.alInitiated] > 0
        put("totalEnablements", count(skillEvents, c[.enabled]))
        put("disablements", count(skillEvents, c[.disabled]))
        put("accountLinkingInitiations", count(initiations, c[.alInitiated]))
        put("accountLinkingCompletions", count(accountLinking, c[.alCompleted]))
        put("accountLinkingCompletionRate", rate(initiations, c[.alCompleted], c[.alInitiated]))
        if accountLinking {
            var vias = Set(c.viaInitiated.keys)
            vias.formUnion(c.viaCompleted.keys)
            for v in vias.sorted(by: { utf8Precedes(name($0), name($1)) }) {
                let i = c.viaInitiated[v] ?? 0, d = c.viaCompleted[v] ?? 0
                row("accountLinkingInitiations", "accountLinkingByVia", [name(v)], .int(i))
                row("accountLinkingCompletions", "accountLinkingByVia", [name(v)], .int(d))
                row("accountLinkingCompletionRate", "accountLinkingByVia", [name(v)], rate(true, d, i))
            }
        } else {
            for n in ["accountLinkingInitiations", "accountLinkingCompletions", "accountLinkingCompletionRate"] {
                row(n, "accountLinkingByVia", [], .null)
            }
        }

        // Token retrieval.
        put("accessTokenRequests", count(accessTokens, c[.accessTokens]))
        put("accessTokenSuccessRate", rate(accessTokens, c[.accessSuccess], c[.accessSuccess] + c[.accessFailed]))
        put("refreshTokenRequests", count(refreshTokens, c[.refreshTokens]))
        put("refreshTokenSuccessRate", rate(refreshTokens, c[.refreshSuccess], c[.refreshSuccess] + c[.refreshFailed]))
        for (metric, ok, errs) in [("accessTokenErrors", accessTokens, c.accessErrors), ("refreshTokenErrors", refreshTokens, c.refreshErrors)] {
            if ok {
                for (i, t) in MetricCatalog.tokenErrorTypes.enumerated() { row(metric, metric, [t], .int(errs[i])) }
            } else {
                row(metric, metric, [], .null)
            }
        }

        // In-skill purchasing (SPEC 6.1).
        put("totalPurchases", count(isp, c[.purchases]))
        if isp {
            for (k, n) in sortedKeys(c.products, by: { $0 }) { row("purchases", "purchases", [name(k)], .int(n)) }
        } else {
            row("purchases", "purchases", [], .null)
        }
        put("subscriptionsStarted", count(subscriptions, c[.subStarted]))
        put("subscriptionsEnded", count(subscriptions, c[.subEnded]))
        put("activeSubscriptions", count(subscriptions, activeEnd))
        put("trialToPaidRate", rate(subscriptions, c[.subConverted], c[.subTrialStarted]))
        put("churn", rate(subscriptions, c[.paidEnds], activeStart + c[.paidStarts]))
        put("upsellImpressions", count(isp, c[.upsellImpressions]))
        put("offerImpressions", count(isp, c[.offerImpressions]))
        put("offerConversionRate", rate(isp, c[.subscriptionOfferAccepted], c[.subscriptionOfferImpressions]))
        put("upsellToOfferConversion", rate(isp, c[.upsellOffers], c[.upsellImpressions]))
        put("offerToPurchaseConversion", rate(isp, c[.offerAccepted], c[.offerImpressions]))
        put("upsellToPurchaseConversion", rate(isp, c[.upsellAccepted], c[.upsellImpressions]))

        // Skill performance.
        latency(endpointLatency, c.endpointLatency, "endpointLatency")
        put("endpointSuccess", count(endpointOutcome, c[.endpointSuccess]))
        put("endpointFailures", count(endpointOutcome, c[.endpointFailed]))
        put("endpointSuccessRate", rate(endpointOutcome, c[.endpointSuccess], c[.endpointSuccess] + c[.endpointFailed]))
        put("intentConfidenceHigh", count(confidence, c[.confidenceHigh]))
        put("intentConfidenceMedium", count(confidence, c[.confidenceMedium]))
        put("intentConfidenceLow", count(confidence, c[.confidenceLow]))
        put("estimatedSystemErrors", count(sessions, c[.systemErrors]))

        // Customer friction.
        put("bargeIns", count(sessions, c[.bargeIns]))
        put("terminations", count(sessions, c[.terminations]))
        put("unhandledRequests", count(sessions, c[.unhandled]))
        put("lowConfidenceIntents", count(sessions && confidence, c[.lowConfidence]))
        put("bargeInsRate", per100(sessions, c[.bargeIns]))
        put("terminationsRate", per100(sessions, c[.terminations]))
        put("unhandledRequestsRate", per100(sessions, c[.unhandled]))
        put("lowConfidenceIntentsRate", per100(sessions && confidence, c[.lowConfidence]))
        put("frictionSessions", count(sessions, c[.frictionSessions]))
        if whole {
            let names = ["utteranceBargeIns", "utteranceTerminations", "utteranceUnhandledRequests", "utteranceLowConfidenceIntents", "utteranceSystemErrors"]
            if sessions {
                let rows = sortedKeys(c.frictionUtterances, by: { $0.reduce(0, +) }).prefix(acc.options.top)
                for (k, counts) in rows {
                    let l = [name(k)]
                    row("utteranceFrictionEvents", "frictionUtterances", l, .int(counts.reduce(0, +)))
                    for (i, n) in names.enumerated() { row(n, "frictionUtterances", l, .int(counts[i])) }
                }
            } else {
                row("utteranceFrictionEvents", "frictionUtterances", [], .null)
                for n in names { row(n, "frictionUtterances", [], .null) }
            }
        }

        // Catalog order; within a definition, the order rows were put in.
        var ordered = vals.enumerated().map { ($0.offset, $0.element) }
        ordered.sort { $0.1.def != $1.1.def ? $0.1.def < $1.1.def : $0.0 < $1.0 }
        return MetricSet(values: ordered.map(\.1))
    }
}
