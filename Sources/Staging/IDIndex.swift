/// Participant ids and their slots (0, 1, 2 ... in order of first sight), found by a hash of the
/// id's UTF-8 bytes.
///
/// Does what a `[String: Int]` does for this one use, at a fraction of the cost: the hash is a
/// few multiplications over 8-byte words instead of SipHash through `Hasher`, each table entry
/// holds the high half of its id's hash beside the slot, so that a probe touches one word and
/// compares strings only on a match, and growing rehashes from the stored hashes. Open
/// addressing with linear probing, at most half full.
struct IDIndex {
    /// The ids by slot.
    private(set) var keys: [String] = []
    private var hashes: [UInt64] = []
    /// Table position → the high 32 bits of the hash, then slot + 1 in the low 32 bits; 0 for an
    /// empty position. Its size is a power of two.
    private var table: [UInt64] = Array(repeating: 0, count: 1024)

    var count: Int { keys.count }

    /// The slot of `id`, nil when it was never inserted.
    func slot(of id: String) -> Int? {
        probe(id, hash: IDIndex.hash(id)).slot
    }

    /// Makes room for `count` ids in the key lists (the table still grows as ids come: sized for
    /// an estimate it would be larger than needed, and lookups would miss the cache more often).
    mutating func reserveCapacity(_ count: Int) {
        keys.reserveCapacity(count)
        hashes.reserveCapacity(count)
    }

    /// The slot of `id`, inserted first when it is new (`isNew`): one hash and one probe for
    /// both the lookup and the insertion.
    mutating func slotInserting(_ id: String) -> (slot: Int, isNew: Bool) {
        let hash = IDIndex.hash(id)
        let found = probe(id, hash: hash)
        if let slot = found.slot { return (slot, false) }
        let slot = keys.count
        keys.append(id)
        hashes.append(hash)
        if 2 * keys.count > table.count {
            grow()
        } else {
            table[found.position] = IDIndex.entry(slot, hash: hash)
        }
        return (slot, true)
    }

    /// Where the probe for `id` ends: at its slot, or at the empty position it would take.
    private func probe(_ id: String, hash: UInt64) -> (slot: Int?, position: Int) {
        let mask = table.count - 1
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = table[position]
            if entry == 0 { return (nil, position) }
            if entry >> 32 == hash >> 32 {
                let slot = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if keys[slot] == id { return (slot, position) }
            }
            position = (position + 1) & mask
        }
    }

    private static func entry(_ slot: Int, hash: UInt64) -> UInt64 {
        (hash & 0xFFFF_FFFF_0000_0000) | UInt64(slot + 1)
    }

    private mutating func place(_ slot: Int, hash: UInt64) {
        let mask = table.count - 1
        var position = Int(truncatingIfNeeded: hash) & mask
        while table[position] != 0 { position = (position + 1) & mask }
        table[position] = IDIndex.entry(slot, hash: hash)
    }

    private mutating func grow() {
        table = Array(repeating: 0, count: table.count * 2)
        for slot in hashes.indices { place(slot, hash: hashes[slot]) }
    }

    /// A 64-bit hash of the UTF-8 bytes: each 8-byte word (the last one zero-padded) mixed in
    /// with a multiply and shift, then the length. Not a defence against chosen collisions;
    /// those cost time, never a wrong slot.
    static func hash(_ id: String) -> UInt64 {
        var id = id
        return id.withUTF8 { bytes in
            var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
            var index = 0
            let count = bytes.count
            while index < count {
                var word: UInt64 = 0
                let end = min(index + 8, count)
                for position in index..<end {
                    word |= UInt64(bytes[position]) << UInt64((position - index) << 3)
                }
                hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
                hash ^= hash >> 31
                index = end
            }
            hash = (hash ^ UInt64(count)) &* 0x94D0_49BB_1331_11EB
            return hash ^ (hash >> 29)
        }
    }
}
