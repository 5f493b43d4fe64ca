/**
 * The Alibaba Cloud SMS signature reproduces the vendor's published SendSms example (its "HTTP 协议及
 * 签名" documentation): the documented inputs give the documented canonical query, string to sign and
 * signature.
 */
import { describe, expect, it } from 'vitest';
import { canonicalQuery, percentEncode, sendSmsOutcome, signParameters, stringToSign } from '#shared/sms/aliyun';

const EXAMPLE = {
  AccessKeyId: 'testId',
  Action: 'SendSms',
  Format: 'XML',
  OutId: '123',
  PhoneNumbers: '15300000001',
  RegionId: 'cn-hangzhou',
  SignName: '阿里云短信测试专用',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
  SignatureVersion: '1.0',
  TemplateCode: 'SMS_71390007',
  TemplateParam: '{"customer":"test"}',
  Timestamp: '2017-07-12T02:42:19Z',
  Version: '2017-05-25',
};

describe('Alibaba Cloud SMS request signing', () => {
  it('builds the documented canonical query', () => {
    expect(canonicalQuery(EXAMPLE)).toBe(
      'AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou' +
        '&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8' +
        '&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0' +
        '&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25',
    );
  });

  it('builds the documented string to sign', () => {
    expect(stringToSign('GET', EXAMPLE)).toBe(
      'GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001' +
        '%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8' +
        '%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0' +
        '%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25',
    );
  });

  it('produces the documented signature', () => {
    expect(signParameters('GET', EXAMPLE, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('reproduces the generic RPC signature example too (DescribeRegions)', () => {
    const parameters = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };
    expect(signParameters('GET', parameters, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('percent-encodes as RFC 3986: spaces as %20, * and ! encoded, ~ kept', () => {
    expect(percentEncode("a b*~!'()+/")).toBe('a%20b%2A~%21%27%28%29%2B%2F');
  });
});

describe('SendSms answers', () => {
  it('tells sent, refused-for-the-recipient and failed apart', () => {
    expect(sendSmsOutcome(200, { Code: 'OK', BizId: '900619746936498440^0' })).toEqual({ kind: 'sent', bizId: '900619746936498440^0' });
    expect(sendSmsOutcome(200, { Code: 'isv.BUSINESS_LIMIT_CONTROL' })).toEqual({ kind: 'rejected', code: 'isv.BUSINESS_LIMIT_CONTROL' });
    expect(sendSmsOutcome(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL' })).toEqual({ kind: 'rejected', code: 'isv.MOBILE_NUMBER_ILLEGAL' });
    expect(sendSmsOutcome(200, { Code: 'isp.SYSTEM_ERROR' })).toEqual({ kind: 'failed', code: 'isp.SYSTEM_ERROR' });
    expect(sendSmsOutcome(400, { Code: 'SignatureDoesNotMatch' })).toEqual({ kind: 'failed', code: 'SignatureDoesNotMatch' });
    expect(sendSmsOutcome(502, undefined)).toEqual({ kind: 'failed', code: 'HTTP_502' });
  });
});
