// The Perp module's cmdlets live in this assembly.
