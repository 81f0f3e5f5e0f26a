"""Cases (办件): one-window intake, the case state machine, materials, stages and parallel review
tasks, clock stops, extensions, supervision colours and the public progress query."""
