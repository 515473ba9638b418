import ArgumentParser
import SklogRecords

/// `--shard K/N`: a stable split of the input by session (records without a session by user,
/// then by message ID), so that each session lands whole in one shard.
public struct Shard {
    public let k: UInt64, n: UInt64

    public init(_ s: String) throws {
        let parts = s.split(separator: "/")
        guard parts.count == 2, let k = UInt64(parts[0]), let n = UInt64(parts[1]), n >= 1, k >= 1, k <= n else {
            throw ValidationError("--shard must be K/N with 1 <= K <= N, e.g. 2/8")
        }
        self.k = k; self.n = n
    }

    public func contains(_ r: Record) -> Bool {
        let key = r.sessionId.isPresent ? r.sessionId : (r.userId.isPresent ? r.userId : r.messageId)
        return r.hash(key) % n == k - 1
    }
}
