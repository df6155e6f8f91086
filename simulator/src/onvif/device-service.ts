// Response bodies of the ONVIF device management service (ver10/device/wsdl). GetCapabilities
// (ONVIF 1.x) names the media service only when the camera offers ver10 media; GetServices lists
// media (ver10) and media2 (ver20) as the camera's modes say.
import { offersMedia1, offersMedia2 } from './modes.ts';
import { escapeXml } from './soap.ts';
import type { OnvifCameraView } from './view.ts';

export function systemDateAndTime(camera: OnvifCameraView): string {
  const now = new Date(camera.cameraTimeMs());
  const dateTime =
    `<tt:Time><tt:Hour>${now.getUTCHours()}</tt:Hour><tt:Minute>${now.getUTCMinutes()}</tt:Minute><tt:Second>${now.getUTCSeconds()}</tt:Second></tt:Time>` +
    `<tt:Date><tt:Year>${now.getUTCFullYear()}</tt:Year><tt:Month>${now.getUTCMonth() + 1}</tt:Month><tt:Day>${now.getUTCDate()}</tt:Day></tt:Date>`;
  return (
    `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>` +
    `<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>` +
    `<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime>${dateTime}</tt:UTCDateTime>` +
    `</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`
  );
}

export function deviceInformation(camera: OnvifCameraView): string {
  return (
    `<tds:GetDeviceInformationResponse>` +
    `<tds:Manufacturer>${escapeXml(camera.manufacturer)}</tds:Manufacturer><tds:Model>${escapeXml(camera.model)}</tds:Model>` +
    `<tds:FirmwareVersion>${escapeXml(camera.firmwareVersion)}</tds:FirmwareVersion><tds:SerialNumber>${escapeXml(camera.serialNumber)}</tds:SerialNumber>` +
    `<tds:HardwareId>${escapeXml(camera.macAddress.replace(/:/g, '').toUpperCase())}</tds:HardwareId>` +
    `</tds:GetDeviceInformationResponse>`
  );
}

export function capabilities(camera: OnvifCameraView): string {
  const ptz = camera.hasPtz ? `<tt:PTZ><tt:XAddr>${camera.serviceUrl('ptz')}</tt:XAddr></tt:PTZ>` : '';
  return (
    `<tds:GetCapabilitiesResponse><tds:Capabilities>` +
    `<tt:Device><tt:XAddr>${camera.serviceUrl('device')}</tt:XAddr>` +
    `<tt:Network><tt:IPFilter>false</tt:IPFilter><tt:ZeroConfiguration>false</tt:ZeroConfiguration><tt:IPVersion6>false</tt:IPVersion6><tt:DynDNS>false</tt:DynDNS></tt:Network>` +
    `<tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>false</tt:DiscoveryBye><tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup><tt:SystemLogging>false</tt:SystemLogging><tt:FirmwareUpgrade>false</tt:FirmwareUpgrade></tt:System>` +
    `</tt:Device>` +
    `<tt:Events><tt:XAddr>${camera.serviceUrl('events')}</tt:XAddr><tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport><tt:WSPausableSubscriptionManagerInterfaceSupport>false</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>` +
    (offersMedia1(camera.modes)
      ? `<tt:Media><tt:XAddr>${camera.serviceUrl('media')}</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>`
      : '') +
    ptz +
    `</tds:Capabilities></tds:GetCapabilitiesResponse>`
  );
}

export function services(camera: OnvifCameraView, includeCapability: boolean): string {
  const entry = (namespace: string, url: string, major: number, minor: number, capability: string) =>
    `<tds:Service><tds:Namespace>${namespace}</tds:Namespace><tds:XAddr>${url}</tds:XAddr>` +
    (includeCapability ? `<tds:Capabilities>${capability}</tds:Capabilities>` : '') +
    `<tds:Version><tt:Major>${major}</tt:Major><tt:Minor>${minor}</tt:Minor></tds:Version></tds:Service>`;
  return (
    `<tds:GetServicesResponse>` +
    entry('http://www.onvif.org/ver10/device/wsdl', camera.serviceUrl('device'), 2, 60, '<tds:Capabilities/>') +
    (offersMedia1(camera.modes)
      ? entry(
          'http://www.onvif.org/ver10/media/wsdl',
          camera.serviceUrl('media'),
          2,
          60,
          '<trt:Capabilities SnapshotUri="true" Rotation="false"><trt:ProfileCapabilities MaximumNumberOfProfiles="2"/><trt:StreamingCapabilities RTPMulticast="false" RTP_TCP="true" RTP_RTSP_TCP="true"/></trt:Capabilities>',
        )
      : '') +
    (offersMedia2(camera.modes)
      ? entry(
          'http://www.onvif.org/ver20/media/wsdl',
          camera.serviceUrl('media2'),
          21,
          12,
          '<tr2:Capabilities SnapshotUri="true" Rotation="false" VideoSourceMode="false" OSD="false" Mask="false" SourceMask="false">' +
            '<tr2:ProfileCapabilities MaximumNumberOfProfiles="2" ConfigurationsSupported="VideoSource VideoEncoder PTZ"/>' +
            '<tr2:StreamingCapabilities RTSPStreaming="true" RTPMulticast="false" RTP_RTSP_TCP="true" NonAggregateControl="false"/></tr2:Capabilities>',
        )
      : '') +
    entry(
      'http://www.onvif.org/ver10/events/wsdl',
      camera.serviceUrl('events'),
      2,
      60,
      '<tev:Capabilities xmlns:tev="http://www.onvif.org/ver10/events/wsdl" WSPullPointSupport="true" MaxPullPoints="16"/>',
    ) +
    (camera.hasPtz ? entry('http://www.onvif.org/ver20/ptz/wsdl', camera.serviceUrl('ptz'), 2, 60, '<tptz:Capabilities EFlip="false" Reverse="false"/>') : '') +
    `</tds:GetServicesResponse>`
  );
}

export function networkInterfaces(camera: OnvifCameraView): string {
  return (
    `<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0"><tt:Enabled>true</tt:Enabled>` +
    `<tt:Info><tt:Name>eth0</tt:Name><tt:HwAddress>${camera.macAddress}</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info>` +
    `<tt:IPv4><tt:Enabled>true</tt:Enabled><tt:Config><tt:Manual><tt:Address>${camera.host}</tt:Address><tt:PrefixLength>8</tt:PrefixLength></tt:Manual><tt:DHCP>false</tt:DHCP></tt:Config></tt:IPv4>` +
    `</tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>`
  );
}

export function scopes(camera: OnvifCameraView): string {
  const scope = (item: string) => `<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>onvif://www.onvif.org/${item}</tt:ScopeItem></tds:Scopes>`;
  return (
    `<tds:GetScopesResponse>${scope('type/video_encoder')}${scope(camera.hasPtz ? 'type/ptz' : 'type/network_video_transmitter')}` +
    `${scope(`name/${encodeURIComponent(camera.name)}`)}${scope(`hardware/${encodeURIComponent(camera.model)}`)}</tds:GetScopesResponse>`
  );
}

export function hostname(camera: OnvifCameraView): string {
  return `<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP><tt:Name>${escapeXml(camera.id)}</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>`;
}
