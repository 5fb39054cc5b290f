Format: printprobe-report-sig-v1
Key-Id: x
