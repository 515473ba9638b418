import ArgumentParser

/// One name for one idea (docs/design.md): `--period` is the time bucket on every tool that
/// buckets, `--by DIM` always a dimension.
public enum PeriodOption {
    /// The periods, for help and shell completion.
    public static let names = ["15m", "hour", "day", "week"]
    /// The dimensions of `--by`, for shell completion.
    public static let dimensions = ["locale", "stage", "intent", "requestType", "skill"]

    /// `--by` on a tool without dimensions (trend, report): refused with a message naming
    /// `--period`, which the old spelling `--by day` meant.
    public static func refuseBy(_ by: String?, tool: String) throws {
        guard let b = by else { return }
        if names.contains(b) || b == "month" {
            throw ValidationError("--by is a dimension on every tool; the time bucket is --period: write --period \(b)")
        }
        throw ValidationError("sklog \(tool) has no dimensions (--by); its time bucket is --period (\(names.joined(separator: ", ")))")
    }
}
