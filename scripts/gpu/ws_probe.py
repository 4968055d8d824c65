import asyncio, json, sys, time
import aiohttp

async def main(url, seconds, out):
    frames = []
    async with aiohttp.ClientSession() as s:
        async with s.ws_connect(url) as ws:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                msg = await ws.receive(timeout=seconds)
                if msg.type == aiohttp.WSMsgType.TEXT:
                    f = json.loads(msg.data)
                    frames.append((time.monotonic(), f))
    types = [f["type"] for _, f in frames]
    samples = [(t, f) for t, f in frames if f["type"] == "sample"]
    live = samples[-10:]
    gaps = [round((b[0] - a[0]) * 1000, 1) for a, b in zip(live, live[1:])]
    mono = [f.get("monoMs") for _, f in live]
    json.dump({"types_head": types[:5], "n_frames": len(frames), "recv_gaps_ms": gaps,
               "mono_ms": mono, "hello": frames[0][1] if frames else None,
               "last_sample": live[-1][1] if live else None}, open(out, "w"), indent=1)

asyncio.run(main(sys.argv[1], float(sys.argv[2]), sys.argv[3]))
