import SklogAnalysis
import Testing

/// `Period.listed`: which period starts a result lists for the periods that hold records.
@Suite struct PeriodListTests {
    let day: Int64 = 86_400_000
    let p = MetricsOptions.Period.day

    @Test func shortGapsAreListedEmpty() {
        // Days 0, 2 and 5: days 1, 3 and 4 are listed too (3 empty periods, within 10,000).
        #expect(p.listed([0, 2 * day, 5 * day]) == [0, day, 2 * day, 3 * day, 4 * day, 5 * day])
        #expect(p.listed([7 * day]) == [7 * day])
        #expect(p.listed([]) == [])
    }

    @Test func aGapBeyondTheBudgetIsLeftOut() {
        // Days 0, 1 (gap 0), 3 (gap 1), 20,004 (gap 20,000): the two short gaps fit the
        // budget of 10,000, the long one does not.
        #expect(p.listed([0, day, 3 * day, 20_004 * day]) == [0, day, 2 * day, 3 * day, 20_004 * day])
        // Year 2026 and year 9999 at 15 minutes: two periods.
        let q = MetricsOptions.Period.m15
        let a: Int64 = 1_793_642_400_000, b: Int64 = 253_402_250_400_000
        #expect(q.listed([a, b]) == [a, b])
    }

    @Test func gapsAreTakenShortestFirstWithinTheBudget() {
        // Gaps of 6,000, 3,000 and 5,000 empty days (14,000 in all, budget 10,000): the
        // shortest (3,000) then the next (5,000) fit (8,000); the 6,000 one does not.
        let s: [Int64] = [0, 6_001 * day, 9_002 * day, 14_003 * day]
        let l = p.listed(s)
        #expect(l.count == 4 + 3_000 + 5_000)
        #expect(!l.contains(day))                        // inside the 6,000-day gap
        #expect(l.contains(6_002 * day) && l.contains(9_001 * day))
        #expect(l.contains(9_003 * day) && l.contains(14_002 * day))
        #expect(l == l.sorted())
    }

    @Test func weeksStepBySevenDays() {
        let w = MetricsOptions.Period.week
        // 2026-11-02 and 2026-11-16 (Mondays): the week of 2026-11-09 between them.
        let a: Int64 = 1_793_577_600_000
        #expect(w.listed([a, a + 14 * day]) == [a, a + 7 * day, a + 14 * day])
    }
}
