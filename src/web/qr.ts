import QRCode from 'qrcode';

/** A QR code as an SVG document (no script, no external reference): inline in pages, or returned by the API. */
export async function qrCodeSvg(url: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } });
  return svg.replace('<svg ', '<svg role="img" aria-label="QR code" ');
}
