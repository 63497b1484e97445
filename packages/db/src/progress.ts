/** A one-line progress display for long commands on a terminal; silent when output is piped. */
export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stdout) {
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  return {
    step(step: string, index: number, total: number) {
      if (stream.isTTY) stream.write(`\r\x1b[2K${label}: ${step} (${index + 1}/${total}, ${seconds()})`);
    },
    done(summary?: string) {
      if (stream.isTTY) stream.write(`\r\x1b[2K${label}: done in ${seconds()}${summary ? `: ${summary}` : ''}\n`);
    },
  };
}
