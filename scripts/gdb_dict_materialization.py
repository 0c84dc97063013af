"""gdb check behind README "Fixed fault": does a collection that starts while CPython 3.11 turns an
object's inline attributes into a __dict__ see the object change under it?

    apt-get install python3.11-dbg python3.11-venv
    python3.11-dbg -m venv /tmp/dbgvenv && /tmp/dbgvenv/bin/pip install -e .
    gdb -q -batch -ex "source scripts/gdb_dict_materialization.py" -ex run -ex "bt 12" -ex py-bt \
        --args /tmp/dbgvenv/bin/python bench/concurrent_page_builds.py --rounds 5

Run it in a checkout where `make setup` made the instance (the script builds pages from it). It
stops, printing "CHANGED DURING GC", when the number of attributes an object has after the dict's
allocation differs from the count the dict was made with. Seen on 2026-12-07 in two runs of two: 7
became 8 (an SQLAlchemy InstanceState, as a session closed). Needs the debug build's symbols (the
local variable `used` of new_dict).
"""
import gdb  # only inside gdb

caught = {"collections": 0, "changed": 0}


def _attributes(values, keys) -> int:
    slots = int(keys["dk_nentries"]) + int(keys["dk_usable"])
    return sum(1 for i in range(slots) if int(values["values"][i]) != 0)


class _AfterAllocation(gdb.FinishBreakpoint):
    """Where new_dict returns: compare the object's attributes now with the count the dict got."""

    def __init__(self, frame, counted: int, keys, values):
        super().__init__(frame, internal=True)
        self.counted, self.keys, self.values = counted, keys, values

    def stop(self) -> bool:
        now = _attributes(self.values, self.keys)
        if now == self.counted:
            return False
        caught["changed"] += 1
        print(f"CHANGED DURING GC: the dict counts {self.counted} attributes, the object has {now} "
              f"(collection {caught['collections']} caught inside a materialization)")
        return True

    def out_of_scope(self) -> None:
        pass


class _CollectionStart(gdb.Breakpoint):
    """A collection starting: is it inside new_dict called from make_dict_from_instance_attributes?"""

    def stop(self) -> bool:
        frame = gdb.newest_frame()
        while frame is not None and frame.name() != "new_dict":
            frame = frame.older()
        if frame is None or frame.older() is None or frame.older().name() != "make_dict_from_instance_attributes":
            return False
        caught["collections"] += 1
        _AfterAllocation(frame, int(frame.read_var("used")), frame.older().read_var("keys"), frame.read_var("values"))
        return False


_CollectionStart("gc_collect_main", internal=True)
