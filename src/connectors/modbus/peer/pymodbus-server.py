#!/usr/bin/python3
"""A third-party Modbus TCP server (Debian's python3-pymodbus) with a known register map.

Usage: pymodbus-server.py PORT [UNIT]   (listens on 127.0.0.1; stops on SIGTERM)

Holding registers, zero-based:
  0      int16  -1234              (0xFB2E)
  1-2    float32 big words  21.5   (0x41AC 0x0000)
  3-4    int32 little words -100000 (low word first: 0x7960 0xFFFE)
  5-6    uint32 big         123456789 (0x075B 0xCD15)
  7-10   float64            -0.000123
  11-14  string "PYMB-01" + NUL
  15     uint16 x0.1        6553.5  (0xFFFF)
  20     writable setpoint  0
Input registers 0-1: float32 1.25 with bytes swapped in each word (BADC).
Coils 0..9: 1,0,1,1,0,0,0,0,0,1.  Discrete inputs 0..2: 0,1,0.
Holding registers beyond 40 do not exist (exception 2).
"""
import logging
import struct
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartTcpServer

logging.basicConfig(level=logging.ERROR)


def words(fmt, value):
    data = struct.pack(fmt, value)
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


port = int(sys.argv[1])
unit = int(sys.argv[2]) if len(sys.argv) > 2 else 1
holding = [0] * 40
holding[0] = 0xFB2E
holding[1:3] = words(">f", 21.5)
holding[3:5] = list(reversed(words(">i", -100000)))
holding[5:7] = words(">I", 123456789)
holding[7:11] = words(">d", -0.000123)
holding[11:15] = [int.from_bytes(b"PYMB-01\0"[i:i + 2], "big") for i in range(0, 8, 2)]
holding[15] = 0xFFFF
f = struct.pack(">f", 1.25)
inputs = [int.from_bytes(bytes([f[1], f[0]]), "big"), int.from_bytes(bytes([f[3], f[2]]), "big")]
store = ModbusSlaveContext(
    co=ModbusSequentialDataBlock(0, [1, 0, 1, 1, 0, 0, 0, 0, 0, 1]),
    di=ModbusSequentialDataBlock(0, [0, 1, 0]),
    hr=ModbusSequentialDataBlock(0, holding),
    ir=ModbusSequentialDataBlock(0, inputs),
    zero_mode=True,
)
context = ModbusServerContext(slaves={unit: store}, single=False)
# allow_reuse_address: a restart on the same port must not wait for TIME_WAIT to clear.
StartTcpServer(context=context, address=("127.0.0.1", port), allow_reuse_address=True)
