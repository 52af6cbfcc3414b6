#!/usr/bin/env bash
# Regenerates the sample recordings in examples/audio/ that the example workflows, the demo
# (`npm run demo`) and the end-to-end tests clone voices from. Needs espeak-ng, sox and ffmpeg
# (Debian: apt-get install espeak-ng sox ffmpeg). The output is deterministic for a given build
# of those tools; the files are committed, so running this is only needed to change them.
#
#   scripts/make-sample-audio.sh            # writes examples/audio/
#   scripts/make-sample-audio.sh OUT_DIR    # writes somewhere else
set -euo pipefail

out="${1:-$(cd "$(dirname "$0")/.." && pwd)/examples/audio}"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for tool in espeak-ng sox ffmpeg; do
	command -v "$tool" >/dev/null || { echo "make-sample-audio: $tool is not installed" >&2; exit 1; }
done

# speak NAME VOICE SPEED PITCH TEXT → $tmp/NAME.wav (16 kHz mono 16-bit, a short fade at both ends)
speak() {
	local name="$1" voice="$2" speed="$3" pitch="$4" text="$5"
	espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$tmp/$name.raw.wav" "$text"
	# -D: no dither, so the output does not change from run to run.
	sox -D "$tmp/$name.raw.wav" -r 16000 -c 1 -b 16 "$tmp/$name.wav" fade t 0.05 0 0.05 pad 0.3 0.3
}

# to_mp3 NAME → $out/NAME.mp3 (mono, 32 kb/s CBR, no ID3 tag, no encoder metadata)
to_mp3() {
	ffmpeg -nostdin -loglevel error -y -i "$tmp/$1.wav" -ac 1 -ar 16000 -c:a libmp3lame -b:a 32k \
		-map_metadata -1 -fflags +bitexact -flags:a +bitexact -id3v2_version 0 -write_xing 1 "$out/$1.mp3"
}

# Alex: one speaker, three recordings (two WAV, one MP3) — several samples for one Buena voice.
speak alex-intro en-us 150 45 \
	"Hi, this is Alex from the growth team. I saw your post about scaling outbound sales and wanted to share a quick idea with you."
speak alex-followup en-us 150 45 \
	"Just following up on my last message. If a short call next week works for you, I would be happy to walk you through it."
speak alex-closing en-us 150 45 \
	"Thanks again for your time today. Have a great rest of the week."
cp "$tmp/alex-intro.wav" "$tmp/alex-closing.wav" "$out/"
to_mp3 alex-followup

# Maria and Sam: different voices, one recording each.
speak maria-intro en-us+f3 140 60 \
	"Hello, my name is Maria. I lead partnerships in Europe, and I would love to hear how your team handles onboarding for new customers."
speak sam-pitch en-gb+m3 160 40 \
	"Good morning, Sam here. We help finance teams close the books two days faster, and I think there is a good fit with what you are building."
cp "$tmp/maria-intro.wav" "$out/"
to_mp3 sam-pitch

# Deliberately bad inputs for the failure paths:
# - a text file with a .wav name (no provider accepts it; the node rejects it before uploading);
printf 'This is not a recording: a text file someone saved with a .wav name.\n' >"$out/broken-recording.wav"
# - half a second of speech: fine for Buena AI (no minimum), too short for Bland AI (1 to 60 s).
espeak-ng -v en-us -s 200 -w "$tmp/short.raw.wav" "Hi."
sox -V1 -D "$tmp/short.raw.wav" -r 16000 -c 1 -b 16 "$out/too-short.wav" pad 0 0.5 trim 0 0.5

for f in "$out"/*; do
	case "$f" in
	*broken-recording.wav) printf '%-22s %8s bytes  (not audio)\n' "$(basename "$f")" "$(stat -c %s "$f")" ;;
	*) printf '%-22s %8s bytes  %6.2f s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(soxi -D "$f" 2>/dev/null || ffprobe -v error -show_entries format=duration -of csv=p=0 "$f")" ;;
	esac
done
